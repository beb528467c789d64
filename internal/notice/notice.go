// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package notice generates NOTICE.txt: every Go module compiled into the
// release binary, on every platform zoombeat builds for, with its licence
// and the licence's text, found by Elastic's go-licence-detector (a Go tool
// dependency of this module, as in beats). Licences outside rules.json's
// list fail the generation; overrides.json settles the files the detector
// cannot classify (beats' mixed LICENSE.txt, dual-licensed modules).
package notice

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zoombeat/zoombeat/internal/release"
)

// File is the notice, relative to the repository root.
const File = "NOTICE.txt"

// Generate returns NOTICE.txt as the module in root makes it now.
func Generate(root string) ([]byte, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var modules []string
	// Every platform's build: a module that only one of them compiles
	// (Windows services, macOS APIs) is listed too.
	for _, p := range release.Platforms {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", ".")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), p.Env()...)
		out, err := run(cmd)
		if err != nil {
			return nil, fmt.Errorf("listing the modules of the %s/%s build: %w", p.OS, p.Arch, err)
		}
		for _, m := range strings.Fields(string(out)) {
			if !slices.Contains(modules, m) {
				modules = append(modules, m)
			}
		}
	}
	slices.Sort(modules)
	list := exec.Command("go", append([]string{"list", "-m", "-json"}, modules...)...)
	list.Dir = root
	infos, err := run(list)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "zoombeat-notice")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(root, "internal", "notice")
	detect := exec.Command("go", "tool", "go-licence-detector", "-includeIndirect",
		"-rules", filepath.Join(dir, "rules.json"), "-overrides", filepath.Join(dir, "overrides.json"),
		"-noticeTemplate", filepath.Join(dir, "NOTICE.txt.tmpl"), "-noticeOut", filepath.Join(tmp, File))
	detect.Dir = root
	detect.Stdin = bytes.NewReader(infos)
	if _, err := run(detect); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(tmp, File))
}

// Write writes NOTICE.txt into root.
func Write(root string) error {
	b, err := Generate(root)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, File), b, 0o644)
}

func run(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
