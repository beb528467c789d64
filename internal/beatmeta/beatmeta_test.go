// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package beatmeta

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/generated"
)

const root = "../.."

// TestGeneratedFilesAreCurrent fails while include/fields.go, fields.yml,
// filebeat.yml or filebeat.reference.yml differ from what _meta/ makes of them: run `go
// tool mage update` and commit the result.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := Files(root)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"include/fields.go", "fields.yml", "filebeat.yml", "filebeat.reference.yml"}, keys(files))
	stale, err := generated.Stale(root, Files)
	require.NoError(t, err)
	assert.Empty(t, stale, "run `go tool mage update`")
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestComment(t *testing.T) {
	in := "- module: zoom\n  # a comment\n  webhook:\n    enabled: true\n\n    #var.x: 1\n"
	want := "#- module: zoom\n  # a comment\n  #webhook:\n    #enabled: true\n\n    #var.x: 1"
	assert.Equal(t, want, comment(in))
}
