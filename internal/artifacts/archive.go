// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package artifacts

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// file is one entry of an archive.
type file struct {
	name string      // path in the archive, '/'-separated
	mode fs.FileMode // permission bits, with fs.ModeDir for a directory
	src  string      // the file on disk that holds the content, or
	data []byte      // the content itself
}

// writeArchive writes files into out: a zip when out ends with .zip, a
// tar.gz otherwise. Every entry gets mtime, so that the same inputs make the
// same archive.
func writeArchive(out string, files []file, mtime time.Time) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if strings.HasSuffix(out, ".zip") {
		return writeZip(f, files, mtime)
	}
	return writeTarGz(f, files, mtime)
}

func (fl file) open() (io.ReadCloser, int64, error) {
	if fl.src == "" {
		return io.NopCloser(strings.NewReader(string(fl.data))), int64(len(fl.data)), nil
	}
	f, err := os.Open(fl.src)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func writeTarGz(w io.Writer, files []file, mtime time.Time) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, fl := range files {
		h := &tar.Header{Name: fl.name, Mode: int64(fl.mode.Perm()), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if fl.mode.IsDir() {
			h.Name, h.Typeflag = strings.TrimSuffix(fl.name, "/")+"/", tar.TypeDir
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			continue
		}
		r, size, err := fl.open()
		if err != nil {
			return err
		}
		h.Size = size
		if err := tw.WriteHeader(h); err != nil {
			r.Close()
			return err
		}
		_, err = io.Copy(tw, r)
		r.Close()
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, files []file, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, fl := range files {
		h := &zip.FileHeader{Name: fl.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(fl.mode)
		if fl.mode.IsDir() {
			h.Name, h.Method = strings.TrimSuffix(fl.name, "/")+"/", zip.Store
			if _, err := zw.CreateHeader(h); err != nil {
				return err
			}
			continue
		}
		dst, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		r, _, err := fl.open()
		if err != nil {
			return err
		}
		_, err = io.Copy(dst, r)
		r.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
