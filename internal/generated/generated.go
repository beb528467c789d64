// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package generated writes, and finds stale, the files that `go tool mage
// update` generates from the repository's sources. A generator is a
// function that returns their contents by path relative to the repository
// root.
package generated

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
)

// Generator makes the generated files of a repository rooted at root.
type Generator func(root string) (map[string][]byte, error)

// Stale lists the paths of the files gen makes whose content on disk differs
// (or that are missing), sorted.
func Stale(root string, gen Generator) ([]string, error) {
	files, err := gen(root)
	if err != nil {
		return nil, err
	}
	var stale []string
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err != nil || !bytes.Equal(got, want) {
			stale = append(stale, p)
		}
	}
	slices.Sort(stale)
	return stale, nil
}

// Write writes the files gen makes under root.
func Write(root string, gen Generator) error {
	files, err := gen(root)
	if err != nil {
		return err
	}
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
