// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package managed

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"os"
	"time"
)

// ComponentName is the name the Agent knows zoombeat by: the binary's name
// and its spec's, in the Agent's components/ directory.
const ComponentName = "zoombeat"

// WriteComponent writes the component archive for goos to out: the binary
// at binary, named zoombeat (zoombeat.exe on Windows) with mode 0755 (the
// Agent refuses a component binary writable by group or others), and its
// spec zoombeat.spec.yml. A tar.gz, a zip for Windows; its files go into the
// Agent's components/ directory.
func WriteComponent(out, binary, goos string) error {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	name := ComponentName
	if goos == "windows" {
		name += ".exe"
	}
	files := []struct {
		name string
		mode int64
		data []byte
	}{{name, 0o755, bin}, {ComponentName + ".spec.yml", 0o644, Spec}}

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if goos == "windows" {
		zw := zip.NewWriter(f)
		for _, file := range files {
			h := &zip.FileHeader{Name: file.name, Method: zip.Deflate, Modified: time.Unix(0, 0)}
			h.SetMode(os.FileMode(file.mode))
			w, err := zw.CreateHeader(h)
			if err != nil {
				return err
			}
			if _, err := w.Write(file.data); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		return f.Close()
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, file := range files {
		if err := tw.WriteHeader(&tar.Header{Name: file.name, Mode: file.mode, Size: int64(len(file.data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(file.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return f.Close()
}
