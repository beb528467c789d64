// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package generated writes, and finds stale, the files that `go tool mage
// update` generates from the repository's sources, given as contents by
// path relative to the repository root.
package generated

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
)

// Stale lists the paths of files whose content on disk under root differs
// from files (or that are missing), sorted.
func Stale(root string, files map[string][]byte) []string {
	var stale []string
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err != nil || !bytes.Equal(got, want) {
			stale = append(stale, p)
		}
	}
	slices.Sort(stale)
	return stale
}

// Write writes files under root.
func Write(root string, files map[string][]byte) error {
	for p, b := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(root, p), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
