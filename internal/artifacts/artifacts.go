// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package artifacts builds what users install, from a binary built for a
// platform (internal/release): the archive (tar.gz; zip for Windows) that
// unpacks into a working zoombeat directory, for Linux the deb and rpm
// packages (linux.go), the Elastic Agent component archive, and a SHA-512
// file beside each. `go tool mage package` builds them for every platform;
// the end-to-end tests build and check the linux/amd64 ones.
package artifacts

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zoombeat/zoombeat/internal/managed"
	"github.com/zoombeat/zoombeat/internal/release"
)

// Name is the base name of p's artifacts: zoombeat-<version>-<os>-<arch>,
// with Go's names for the OS and architecture.
func Name(p release.Platform) string {
	return fmt.Sprintf("zoombeat-%s-%s-%s", release.Version, p.OS, p.Arch)
}

// BinaryName is the custom Filebeat's file name on p.
func BinaryName(p release.Platform) string {
	if p.OS == "windows" {
		return "filebeat.exe"
	}
	return "filebeat"
}

// archiveExt is .zip for Windows, whose users unpack zips, .tar.gz
// elsewhere.
func archiveExt(p release.Platform) string {
	if p.OS == "windows" {
		return ".zip"
	}
	return ".tar.gz"
}

// homeFiles are the files of an installed zoombeat's home directory beside
// the binary, relative to the repository root: the configurations, the
// fields, the zoom module as Filebeat loads it (its manifests, input configs
// and ingest pipelines, not its Go sources or _meta sources), and the
// documents a user reads first.
var homeFiles = []string{
	"filebeat.yml", "filebeat.reference.yml", "fields.yml", "module", "modules.d",
	"README.md", "LICENSE", "NOTICE.txt",
}

// home lists homeFiles from root, directories first then their files, in
// a fixed order. Configuration files are 0644 and directories 0755: Filebeat
// refuses a configuration writable by group or others.
func home(root string) ([]file, error) {
	var out []file
	for _, top := range homeFiles {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			switch {
			case d.IsDir() && d.Name() == "_meta":
				return filepath.SkipDir
			case d.IsDir():
				out = append(out, file{name: filepath.ToSlash(rel), mode: fs.ModeDir | 0o755})
			case strings.HasSuffix(d.Name(), ".go"):
			default:
				out = append(out, file{name: filepath.ToSlash(rel), mode: 0o644, src: path})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// buildTime is the time every entry of an artifact carries: the commit's,
// so that building the same commit twice makes the same files.
func buildTime(root string) time.Time {
	if t, err := time.Parse(time.RFC3339, release.StampOf(root).Time); err == nil {
		return t
	}
	return time.Now().UTC().Truncate(time.Second)
}

// Archive writes outDir/<Name>.tar.gz (.zip for Windows): a directory
// <Name>/ holding binary as filebeat (filebeat.exe) and the home files, so
// that `./filebeat -e` runs there as it is. It returns the archive's path.
func Archive(root, binary string, p release.Platform, outDir string) (string, error) {
	name := Name(p)
	files := []file{
		{name: name, mode: fs.ModeDir | 0o755},
		{name: name + "/" + BinaryName(p), mode: 0o755, src: binary},
	}
	h, err := home(root)
	if err != nil {
		return "", err
	}
	for _, f := range h {
		f.name = name + "/" + f.name
		files = append(files, f)
	}
	out := filepath.Join(outDir, name+archiveExt(p))
	return out, writeArchive(out, files, buildTime(root))
}

// Component writes outDir/zoombeat-<version>-component-<os>-<arch> (.tar.gz;
// .zip for Windows), the Elastic Agent component: binary named zoombeat
// (zoombeat.exe) with mode 0755, which the Agent requires writable by its
// owner only, and its spec zoombeat.spec.yml, both at the top, to unpack
// into the Agent's components/ directory.
func Component(root, binary string, p release.Platform, outDir string) (string, error) {
	bin := managed.ComponentName
	if p.OS == "windows" {
		bin += ".exe"
	}
	out := filepath.Join(outDir, fmt.Sprintf("%s-%s-component-%s-%s%s", managed.ComponentName, release.Version, p.OS, p.Arch, archiveExt(p)))
	return out, writeArchive(out, []file{
		{name: bin, mode: 0o755, src: binary},
		{name: managed.ComponentName + ".spec.yml", mode: 0o644, data: managed.Spec},
	}, buildTime(root))
}

// WriteChecksum writes path.sha512 as sha512sum prints it (`<hex>  <base
// name>`), so that `sha512sum -c` checks the artifact beside it. It returns
// the checksum file's path.
func WriteChecksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha512.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	out := path + ".sha512"
	line := hex.EncodeToString(h.Sum(nil)) + "  " + filepath.Base(path) + "\n"
	return out, os.WriteFile(out, []byte(line), 0o644)
}
