// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package notice

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NOTICE.txt lists what the binary contains: it fails while stale (run
// `go tool mage notice`), and it names the Elastic-licensed modules.
func TestNoticeIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	want, err := Generate(root)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, File))
	require.NoError(t, err)
	if !bytes.Equal(want, got) {
		t.Fatalf("%s is stale: run `go tool mage notice`", File)
	}
	for _, m := range []string{"github.com/elastic/beats/v7", "github.com/elastic/elastic-agent-client/v7", "github.com/elastic/go-ucfg", "golang.org/x/oauth2"} {
		assert.Contains(t, string(got), "Module  : "+m+"\n", m)
	}
	assert.Equal(t, 2, strings.Count(string(got), "Licence : Elastic\n"), "beats (x-pack) and the Agent client")
}
