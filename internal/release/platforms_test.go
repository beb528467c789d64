// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package release

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestEveryPlatformTypeChecks type-checks the binary's package and all it
// imports, from source, for every platform other than the one the suite
// runs on (whose binary the end-to-end tests build), with each platform's
// build tags: a file that one OS compiles and another does not, or an API
// one OS lacks, fails here. It costs about 25 s a platform, where compiling
// (`go tool mage package` does that) costs minutes on two cores.
func TestEveryPlatformTypeChecks(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Platforms {
		if p.OS == runtime.GOOS && p.Arch == runtime.GOARCH {
			continue
		}
		t.Run(p.OS+"-"+p.Arch, func(t *testing.T) {
			cfg := &packages.Config{
				Mode: packages.NeedName | packages.NeedImports | packages.NeedDeps |
					packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
				Dir: root,
				Env: append(os.Environ(), p.Env()...),
			}
			pkgs, err := packages.Load(cfg, ".")
			if err != nil {
				t.Fatal(err)
			}
			var count int
			packages.Visit(pkgs, nil, func(pkg *packages.Package) {
				count++
				for _, e := range pkg.Errors {
					t.Errorf("%s: %v", pkg.PkgPath, e)
				}
			})
			if count < 1000 {
				t.Errorf("only %d packages type-checked: the binary imports libbeat's ~1,500", count)
			}
		})
	}
}
