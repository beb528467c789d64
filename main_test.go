// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// licenseHeader opens every Go file of zoombeat's own source (LICENSE).
const licenseHeader = "// Copyright 2026 The zoombeat Authors.\n// SPDX-License-Identifier: Apache-2.0\n"

func TestSourceFilesCarryTheLicenseHeader(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "*.go").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 50 {
		t.Fatalf("only %d Go files listed", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.HasPrefix(s, "//go:build") {
			s = s[strings.Index(s, "\n\n")+2:]
		}
		if !strings.HasPrefix(s, licenseHeader) {
			t.Errorf("%s does not start with the license header:\n%s", f, licenseHeader)
		}
	}
}
