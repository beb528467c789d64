//go:build mage

// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Build and check targets for zoombeat. List them with: go tool mage -l
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/zoombeat/zoombeat/internal/artifacts"
	"github.com/zoombeat/zoombeat/internal/beatmeta"
	"github.com/zoombeat/zoombeat/internal/generated"
	"github.com/zoombeat/zoombeat/internal/notice"
	"github.com/zoombeat/zoombeat/internal/release"
	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
	"github.com/zoombeat/zoombeat/packages"
	"github.com/zoombeat/zoombeat/processors/detections"
	zoomprocessor "github.com/zoombeat/zoombeat/processors/zoom"
)

// Default is what a bare `go tool mage` runs.
var Default = Build

// Build compiles the custom Filebeat into ./filebeat, as it is released: a
// static binary without cgo (internal/release says why).
func Build() error {
	cmd := release.Command(".", "filebeat", ".")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// Test runs the whole suite, the same command as the README and CI: unit,
// fuzz seeds, the end-to-end and reliability tests that build and drive the
// binary, then the inputs' and the processor's tests under the race detector.
func Test() error {
	if err := sh.RunV("go", "test", "./..."); err != nil {
		return err
	}
	return Race()
}

// Race runs the input and processor packages' tests, and each of their
// benchmarks once, under the race detector.
func Race() error {
	return sh.RunV("go", "test", "-race", "-bench", ".", "-benchtime", "1x", "./input/...", "./processors/...")
}

// Bench runs the load benchmark (testing/bench): the real binary with the
// zoom module against a minimal net/http floor, over loopback, and prints
// requests/s, latency percentiles, peak RSS and CPU per 1,000 events for
// both. BENCH_ARGS passes flags, e.g. "-duration 30s -concurrency 64".
func Bench() error {
	args := append([]string{"run", "./testing/bench"}, strings.Fields(os.Getenv("BENCH_ARGS"))...)
	return sh.RunV("go", args...)
}

// GoBench runs the Go benchmarks (signature check, handler, processor by
// family) with allocation counts.
func GoBench() error {
	return sh.RunV("go", "test", "-run", "^$", "-bench", ".", "-benchmem", "./input/...", "./processors/...")
}

// Fuzz explores each fuzz target for a while (FUZZTIME each, default 1m).
func Fuzz() error {
	t := os.Getenv("FUZZTIME")
	if t == "" {
		t = "1m"
	}
	for _, target := range []struct{ name, pkg string }{
		{"FuzzHandler", "./input/webhook/"},
		{"FuzzProcessor", "./processors/zoom/"},
		{"FuzzOperationDetail", "./processors/zoom/"},
	} {
		if err := sh.RunV("go", "test", "-run", "^$", "-fuzz", "^"+target.name+"$", "-fuzztime", t, target.pkg); err != nil {
			return err
		}
	}
	return nil
}

// Check runs the static checks: gofmt, go vet, and go.mod tidiness.
func Check() error {
	mg.Deps(Fmt)
	if err := sh.RunV("go", "vet", "./..."); err != nil {
		return err
	}
	return sh.RunV("go", "mod", "tidy", "-diff")
}

// Fmt fails when a file is not gofmt-formatted, and names it.
func Fmt() error {
	out, err := sh.Output("gofmt", "-l", ".")
	if err != nil {
		return err
	}
	if strings.TrimSpace(out) != "" {
		return fmt.Errorf("not gofmt-formatted (run gofmt -w):\n%s", out)
	}
	return nil
}

// Component builds the Elastic Agent component archive of every platform
// into build/: the release binary named zoombeat and its spec
// zoombeat.spec.yml (internal/managed), to unpack into the Agent's
// components/ directory; a tar.gz, a zip for Windows.
func Component() error {
	for _, p := range release.Platforms {
		bin, err := buildFor(p)
		if err != nil {
			return err
		}
		out, err := artifacts.Component(".", bin, p, "build")
		if err != nil {
			return err
		}
		fmt.Println(out)
	}
	return nil
}

// Package builds every release artifact into build/, for every platform
// (internal/release.Platforms), each with a SHA-512 file beside it: the
// archive (tar.gz; zip for Windows) that unpacks into a working zoombeat
// directory, for Linux the deb and rpm packages, the Elastic Agent component
// archive, and the integration package zip.
func Package() error {
	var outs []string
	for _, p := range release.Platforms {
		bin, err := buildFor(p)
		if err != nil {
			return err
		}
		archive, err := artifacts.Archive(".", bin, p, "build")
		if err != nil {
			return err
		}
		component, err := artifacts.Component(".", bin, p, "build")
		if err != nil {
			return err
		}
		outs = append(outs, archive, component)
		if p.OS == "linux" {
			pkgs, err := artifacts.LinuxPackages(".", bin, p, "build")
			if err != nil {
				return err
			}
			outs = append(outs, pkgs...)
		}
	}
	integration, err := packages.WriteZip(".", "build")
	if err != nil {
		return err
	}
	for _, out := range append(outs, integration) {
		sum, err := artifacts.WriteChecksum(out)
		if err != nil {
			return err
		}
		fmt.Println(out)
		fmt.Println(sum)
	}
	return nil
}

// buildFor builds the release binary for p into build/bin/<os>-<arch>/.
func buildFor(p release.Platform) (string, error) {
	bin := filepath.Join("build", "bin", p.OS+"-"+p.Arch, artifacts.BinaryName(p))
	cmd := release.Command(".", bin, ".")
	cmd.Env = append(cmd.Env, p.Env()...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building for %s/%s: %w", p.OS, p.Arch, err)
	}
	return bin, nil
}

// IntegrationPackage writes build/zoombeat-<version>.zip, the integration
// package as Kibana's "Upload integration" takes it (validated by
// package-spec in the suite).
func IntegrationPackage() error {
	if err := os.MkdirAll("build", 0o755); err != nil {
		return err
	}
	out, err := packages.WriteZip(".", "build")
	if err == nil {
		fmt.Println(out)
	}
	return err
}

// Notice regenerates NOTICE.txt from the modules compiled into the release
// binary (internal/notice, go-licence-detector). A test fails when it is
// stale, as after a dependency change.
func Notice() error {
	return notice.Write(".")
}

// Update regenerates include/fields.go (from _meta/fields.common.yml),
// fields.yml (from that, module/zoom/_meta/fields.yml and the filesets'
// _meta/fields.yml), filebeat.yml and filebeat.reference.yml (from
// _meta/config), modules.d/zoom.yml.disabled (from
// module/zoom/_meta/config.yml) and the generated parts of the integration
// package (packages/zoombeat: fields, sample events). A test fails when
// they are stale.
func Update() error {
	if err := os.MkdirAll("modules.d", 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("modules.d", "zoom.yml.disabled"), zoommodule.ModulesDYAML(), 0o644); err != nil {
		return err
	}
	for _, gen := range []generated.Generator{beatmeta.Files, zoommodule.FilesetFiles, packages.Files, detections.Files, zoomprocessor.Files} {
		if err := generated.Write(".", gen); err != nil {
			return err
		}
	}
	return nil
}
