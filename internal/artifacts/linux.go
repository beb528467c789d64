// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package artifacts

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager

	"github.com/zoombeat/zoombeat/internal/release"
)

// The layout of the deb and rpm packages, as Elastic's Filebeat packages lay
// theirs out, under zoombeat's own name so that both can be installed.
const (
	HomeDir   = "/usr/share/zoombeat" // path.home: the binary in bin/, module/, fields.yml
	ConfigDir = "/etc/zoombeat"       // path.config: filebeat.yml, modules.d/
	DataDir   = "/var/lib/zoombeat"   // path.data: registry, disk queue, keystore
	LogsDir   = "/var/log/zoombeat"   // path.logs
	User      = "zoombeat"            // the unprivileged user the service runs as
)

// linuxFiles are the unit, the wrapper script, the environment file and the
// maintainer scripts of the packages.
//
//go:embed linux
var linuxFiles embed.FS

// Packagers are the Linux package formats built, by nfpm's name.
var Packagers = []string{"deb", "rpm"}

// LinuxPackages writes the deb and the rpm for p (a Linux platform) into
// outDir and returns their paths.
func LinuxPackages(root, binary string, p release.Platform, outDir string) ([]string, error) {
	if p.OS != "linux" {
		return nil, fmt.Errorf("deb and rpm packages are for Linux, not %s", p.OS)
	}
	// nfpm reads every content and script from a file: the embedded ones
	// go to a scratch directory.
	scratch, err := os.MkdirTemp("", "zoombeat-packages-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	if err := os.CopyFS(scratch, linuxFiles); err != nil {
		return nil, err
	}
	own := filepath.Join(scratch, "linux")
	h, err := home(root)
	if err != nil {
		return nil, err
	}
	mtime := buildTime(root)
	var out []string
	for _, format := range Packagers {
		// A fresh description per format: nfpm prepares its contents
		// for one packager in place.
		info := packageInfo(h, mtime, binary, p, own)
		if err := nfpm.PrepareForPackager(info, format); err != nil {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
		packager, err := nfpm.Get(format)
		if err != nil {
			return nil, err
		}
		dst := filepath.Join(outDir, packager.ConventionalFileName(info))
		if err := writePackage(packager, info, dst); err != nil {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
		out = append(out, dst)
	}
	return out, nil
}

func writePackage(packager nfpm.Packager, info *nfpm.Info, dst string) (err error) {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return packager.Package(info, f)
}

// packageInfo describes the package. Configuration is a conffile kept on
// upgrade (config|noreplace) and readable by root and the service's group
// only; the environment file, which holds secrets, by root only.
func packageInfo(h []file, mtime time.Time, binary string, p release.Platform, own string) *nfpm.Info {
	owned := func(mode fs.FileMode, owner, group string) *files.ContentFileInfo {
		return &files.ContentFileInfo{Mode: mode, Owner: owner, Group: group}
	}
	contents := files.Contents{
		{Source: binary, Destination: HomeDir + "/bin/filebeat", FileInfo: owned(0o755, "root", "root")},
		{Source: filepath.Join(own, "zoombeat"), Destination: "/usr/bin/zoombeat", FileInfo: owned(0o755, "root", "root")},
		{Source: filepath.Join(own, "zoombeat.service"), Destination: "/usr/lib/systemd/system/zoombeat.service", FileInfo: owned(0o644, "root", "root")},
		{Source: filepath.Join(own, "default"), Destination: "/etc/default/zoombeat", Type: files.TypeConfigNoReplace, FileInfo: owned(0o600, "root", "root")},
		{Destination: ConfigDir, Type: files.TypeDir, FileInfo: owned(0o750, "root", User)},
		{Destination: ConfigDir + "/modules.d", Type: files.TypeDir, FileInfo: owned(0o750, "root", User)},
		{Destination: DataDir, Type: files.TypeDir, FileInfo: owned(0o750, User, User)},
		{Destination: LogsDir, Type: files.TypeDir, FileInfo: owned(0o750, User, User)},
	}
	for _, f := range h {
		if f.mode.IsDir() {
			continue // created with their files
		}
		switch {
		case f.name == "filebeat.yml" || strings.HasPrefix(f.name, "modules.d/"):
			contents = append(contents, &files.Content{Source: f.src, Destination: path.Join(ConfigDir, f.name), Type: files.TypeConfigNoReplace, FileInfo: owned(0o640, "root", User)})
		case f.name == "filebeat.reference.yml":
			contents = append(contents, &files.Content{Source: f.src, Destination: path.Join(ConfigDir, f.name), FileInfo: owned(0o644, "root", "root")})
		default:
			contents = append(contents, &files.Content{Source: f.src, Destination: path.Join(HomeDir, f.name), FileInfo: owned(0o644, "root", "root")})
		}
	}
	info := &nfpm.Info{
		Name:        "zoombeat",
		Arch:        p.Arch,
		Platform:    "linux",
		Version:     release.Version,
		Release:     "1",
		Section:     "admin",
		Priority:    "optional",
		Maintainer:  "The zoombeat Authors <zoombeat@users.noreply.github.com>",
		Description: "Zoom activity as Elastic Common Schema security events.\nA custom Filebeat with a signed webhook listener for Zoom's event notifications, a poller of Zoom's Reports API, and the zoom module that maps them onto ECS.",
		Vendor:      "The zoombeat Authors",
		Homepage:    "https://github.com/zoombeat/zoombeat",
		// zoombeat's code is Apache-2.0; the binary links Elastic-licensed
		// modules (README, "Licensing"; NOTICE.txt).
		License: "Apache-2.0 and Elastic-2.0",
		MTime:   mtime,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Scripts: nfpm.Scripts{
				PreInstall:  filepath.Join(own, "preinstall.sh"),
				PostInstall: filepath.Join(own, "postinstall.sh"),
				PreRemove:   filepath.Join(own, "preremove.sh"),
				PostRemove:  filepath.Join(own, "postremove.sh"),
			},
			// No Depends: useradd comes with every distribution's base
			// system, and the scripts talk to systemd only where it runs.
			RPM: nfpm.RPM{Summary: "Zoom activity as ECS security events (a custom Filebeat)", Group: "System Environment/Daemons"},
		},
	}
	return nfpm.WithDefaults(info)
}
