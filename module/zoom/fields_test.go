// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFilesAreCurrent fails when modules.d is stale: run `go tool
// mage update` and commit the result. (internal/beatmeta checks fields.yml.)
func TestGeneratedFilesAreCurrent(t *testing.T) {
	for path, want := range map[string][]byte{
		filepath.Join("..", "..", "modules.d", "zoom.yml.disabled"): ModulesDYAML(),
	} {
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run `go tool mage update`")
		assert.Equal(t, string(want), string(got), "%s is stale: run `go tool mage update`", path)
	}
}

func TestSchema(t *testing.T) {
	s, err := LoadSchema()
	require.NoError(t, err, "every field has a type and a description, none twice")
	for path, typ := range map[string]string{
		"zoom.meeting.id":                          "keyword",
		"zoom.meeting.start_time":                  "date",
		"zoom.old_values":                          "flattened",
		"zoom.settings":                            "flattened",
		"zoom.recording.recording_files":           "nested",
		"zoom.recording.recording_files.file_size": "long",
		"zoom.user.use_pmi":                        "boolean",
		"http.request.headers":                     "flattened",
		"zoom.participant":                         "group",
	} {
		assert.Equal(t, typ, s[path].Type, path)
	}
}
