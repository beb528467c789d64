// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uncomment removes the '#' of the lines of the commented block that begins
// with the line `#<first>`, up to the next line that is not commented.
func uncomment(t *testing.T, text, first string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	found := false
	for i := range lines {
		if lines[i] == "#"+first {
			found = true
			for j := i; j < len(lines) && strings.HasPrefix(lines[j], "#"); j++ {
				lines[j] = lines[j][1:]
			}
		}
	}
	require.True(t, found, "filebeat.reference.yml has a block beginning with #%s", first)
	return strings.Join(lines, "\n")
}

// TestReferenceConfig: the binary accepts filebeat.reference.yml as it is,
// and with its disk queue and Elasticsearch output (dead-letter index
// included) uncommented.
func TestReferenceConfig(t *testing.T) {
	ref, err := os.ReadFile(filepath.Join(repoRoot(), "filebeat.reference.yml"))
	require.NoError(t, err)
	withES := uncomment(t, uncomment(t, string(ref), "queue.disk:"), "output.elasticsearch:")
	for name, tc := range map[string]struct {
		config string
		args   []string
	}{
		"as shipped": {string(ref), []string{"-E", "output.file.path=${path.data}/out"}},
		"disk queue and Elasticsearch with dead-letter index": {withES, nil},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte(tc.config), 0o600))
			args := append([]string{"test", "config", "--path.home", repoRoot(), "--path.config", dir, "--path.data", dir}, tc.args...)
			cmd := exec.Command(binary, args...)
			cmd.Env = append(os.Environ(), "ES_API_KEY=id:key")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Contains(t, string(out), "Config OK")
			if tc.args == nil {
				out, err := exec.Command(binary, append([]string{"export", "config"}, args[2:]...)...).CombinedOutput()
				require.NoError(t, err, "%s", out)
				assert.Contains(t, string(out), "dead_letter_index")
				assert.Contains(t, string(out), "max_size: 10GB")
			}
		})
	}
}
