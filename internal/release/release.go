// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package release says how the zoombeat binary is built, so that the
// magefile, the end-to-end tests and the load benchmark build, test and
// measure the same binary that users run.
package release

import (
	"os"
	"os/exec"
)

// Env is what the build adds to go's environment. CGO_ENABLED=0 makes a
// static binary: it runs on any Linux without a matching libc, and, without
// cgo, libbeat's Go-plugin loader (which nobody needs for a custom Filebeat)
// is left out, and with it the 23 MiB of dynamic symbols that it makes the
// linker export. Those symbols are mapped, and on a kernel that maps large
// page-cache folios they count in the process's resident memory: the static
// binary peaks about 30 MiB lower (docs/performance.md).
var Env = []string{"CGO_ENABLED=0"}

// Args are go build's flags: paths of the build machine stay out of the
// binary and of its stack traces, and the symbol table and DWARF (which
// stack traces do not need) are dropped.
var Args = []string{"-trimpath"}

// ldflags are the linker flags besides the version stamp: no symbol table and
// no DWARF.
const ldflags = "-s -w"

// Command returns the go build command that builds the package pkg ("." for
// the custom Filebeat) of the module in root into output, stamped with the
// commit checked out in root.
func Command(root, output, pkg string) *exec.Cmd {
	args := append([]string{"build"}, Args...)
	args = append(args, "-ldflags="+ldflags+" "+StampOf(root).LDFlags())
	cmd := exec.Command("go", append(args, "-o", output, pkg)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), Env...)
	return cmd
}

// Platform is a GOOS/GOARCH pair zoombeat is built for.
type Platform struct{ OS, Arch string }

// Platforms are the platforms zoombeat is built for (the component spec
// lists the same).
var Platforms = []Platform{
	{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"},
}

// Env returns the build environment for p.
func (p Platform) Env() []string {
	return append(append([]string(nil), Env...), "GOOS="+p.OS, "GOARCH="+p.Arch)
}
