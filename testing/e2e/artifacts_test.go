// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rpmutils "github.com/sassoftware/go-rpmutils"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/artifacts"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/internal/release"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// The suite builds and checks the linux/amd64 artifacts from the binary it
// built; `go tool mage package` builds every platform's.
var linuxAMD64 = release.Platform{OS: "linux", Arch: "amd64"}

// runIn runs a command in dir and returns its combined output, failing the
// test when it fails.
func runIn(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

// checksumVerifies: the artifact's .sha512 file checks with sha512sum -c, as
// a user checks a download.
func checksumVerifies(t *testing.T, artifact string) {
	t.Helper()
	sum, err := artifacts.WriteChecksum(artifact)
	require.NoError(t, err)
	assert.Equal(t, artifact+".sha512", sum)
	assert.Contains(t, runIn(t, filepath.Dir(sum), "sha512sum", "-c", filepath.Base(sum)), filepath.Base(artifact)+": OK")
}

// runsAndDelivers starts cmd (an installed filebeat with the shipped
// filebeat.yml, its listener moved to a free port) with the development
// secret, sends a signed notification and finds its document in
// dataHome/data/out.
func runsAndDelivers(t *testing.T, dataHome string, cmd *exec.Cmd) {
	t.Helper()
	cmd.Env = withoutEnv(os.Environ(), "ZOOM_SECRET_TOKEN")
	fb, url := startCommand(t, dataHome, cmd, listening)
	resp, err := (&zoomsim.Sender{URL: url, Secret: contract.DevelopmentSecret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
	docs := fb.docs()
	require.Len(t, docs, 1)
	assert.Equal(t, "meeting.started", get(docs[0], "event.action"))
	assert.Equal(t, "zoom.webhook", get(docs[0], "event.dataset"))
}

// listenPort moves the shipped filebeat.yml's listener (the zoom module's
// webhook fileset) to port.
func listenPort(port int) []string {
	return []string{"-E", fmt.Sprintf("filebeat.modules.0.webhook.var.listen_port=%d", port)}
}

// TestArchive checks the tar.gz as a user meets it: its checksum, its
// entries and their modes, then, unpacked with tar, `./filebeat test config`
// and `./filebeat -e` in its directory as they are, answering a signed
// notification whose document lands in ./data/out.
func TestArchive(t *testing.T) {
	dir := t.TempDir()
	archive, err := artifacts.Archive(repoRoot(), binary, linuxAMD64, dir)
	require.NoError(t, err)
	name := artifacts.Name(linuxAMD64)
	assert.Equal(t, filepath.Join(dir, "zoombeat-"+release.Version+"-linux-amd64.tar.gz"), archive)
	checksumVerifies(t, archive)

	entries := map[string]string{} // path: mode
	for _, line := range strings.Split(strings.TrimSpace(runIn(t, dir, "tar", "-tvzf", archive)), "\n") {
		f := strings.Fields(line)
		entries[f[len(f)-1]] = f[0]
	}
	for path, mode := range map[string]string{
		name + "/":                                        "drwxr-xr-x",
		name + "/filebeat":                                "-rwxr-xr-x",
		name + "/filebeat.yml":                            "-rw-r--r--",
		name + "/filebeat.reference.yml":                  "-rw-r--r--",
		name + "/fields.yml":                              "-rw-r--r--",
		name + "/modules.d/zoom.yml.disabled":             "-rw-r--r--",
		name + "/module/zoom/webhook/manifest.yml":        "-rw-r--r--",
		name + "/module/zoom/webhook/ingest/pipeline.yml": "-rw-r--r--",
		name + "/README.md":                               "-rw-r--r--",
		name + "/LICENSE":                                 "-rw-r--r--",
		name + "/NOTICE.txt":                              "-rw-r--r--",
	} {
		assert.Equal(t, mode, entries[path], path)
	}
	for path := range entries {
		assert.False(t, strings.HasSuffix(path, ".go") || strings.Contains(path, "/_meta/"), "no sources in the archive: %s", path)
	}

	unpacked := t.TempDir()
	runIn(t, dir, "tar", "-xzf", archive, "-C", unpacked)
	home := filepath.Join(unpacked, name)
	assert.Contains(t, runIn(t, home, "./filebeat", "test", "config"), "Config OK")
	assert.Contains(t, runIn(t, home, "./filebeat", "version"), "zoombeat version "+release.Version)
	cmd := exec.Command("./filebeat", append([]string{"-e"}, listenPort(freePort(t))...)...)
	cmd.Dir = home
	runsAndDelivers(t, home, cmd)
}

// The component archive holds what the Agent loads: the binary named
// zoombeat, owner-writable only, that runs, and its spec.
func TestComponentArchive(t *testing.T) {
	dir := t.TempDir()
	archive, err := artifacts.Component(repoRoot(), binary, linuxAMD64, dir)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "zoombeat-"+release.Version+"-component-linux-amd64.tar.gz"), archive)
	listing := runIn(t, dir, "tar", "-tvzf", archive)
	assert.Regexp(t, `(?m)^-rwxr-xr-x .* zoombeat$`, listing)
	assert.Regexp(t, `(?m)^-rw-r--r-- .* zoombeat\.spec\.yml$`, listing)
	assert.Len(t, strings.Split(strings.TrimSpace(listing), "\n"), 2)
	components := t.TempDir()
	runIn(t, dir, "tar", "-xzf", archive, "-C", components)
	spec, err := os.ReadFile(filepath.Join(components, "zoombeat.spec.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(spec), "name: zoom_webhook")
	assert.Contains(t, runIn(t, components, "./zoombeat", "version"), "zoombeat version "+release.Version)
	checksumVerifies(t, archive)
}

// debEntry is a line of `dpkg-deb --contents`.
type debEntry struct{ mode, owner string }

// TestLinuxPackages checks the deb as an administrator would before
// installing it (dpkg-deb --info and --contents: metadata, scripts,
// conffiles, paths, owners, modes, the unit file), then runs the binary from
// the tree that dpkg-deb -x extracts, with the packaged configuration. The
// rpm is built from the same description; its header (read with
// go-rpmutils, there being no rpm tool on Debian) is checked for the same
// paths, modes, owners and configuration files.
func TestLinuxPackages(t *testing.T) {
	dir := t.TempDir()
	pkgs, err := artifacts.LinuxPackages(repoRoot(), binary, linuxAMD64, dir)
	require.NoError(t, err)
	require.Equal(t, []string{
		filepath.Join(dir, "zoombeat_"+release.Version+"-1_amd64.deb"),
		filepath.Join(dir, "zoombeat-"+release.Version+"-1.x86_64.rpm"),
	}, pkgs)
	deb, rpm := pkgs[0], pkgs[1]
	checksumVerifies(t, deb)
	checksumVerifies(t, rpm)

	info := runIn(t, dir, "dpkg-deb", "--info", deb)
	for _, want := range []string{"Package: zoombeat", "Version: " + release.Version + "-1", "Architecture: amd64", "Homepage: https://github.com/zoombeat/zoombeat", "preinst", "postinst", "prerm", "postrm", "conffiles"} {
		assert.Contains(t, info, want)
	}
	conffiles := strings.Fields(runIn(t, dir, "dpkg-deb", "--info", deb, "conffiles"))
	assert.ElementsMatch(t, []string{"/etc/default/zoombeat", "/etc/zoombeat/filebeat.yml", "/etc/zoombeat/modules.d/zoom.yml.disabled"}, conffiles)
	assert.Contains(t, runIn(t, dir, "dpkg-deb", "--info", deb, "preinst"), "useradd --system")

	contents := map[string]debEntry{}
	for _, line := range strings.Split(strings.TrimSpace(runIn(t, dir, "dpkg-deb", "--contents", deb)), "\n") {
		f := strings.Fields(line)
		contents[strings.TrimSuffix(strings.TrimPrefix(f[len(f)-1], "."), "/")] = debEntry{f[0], f[1]}
	}
	wantFiles := map[string]debEntry{
		"/usr/share/zoombeat/bin/filebeat":                     {"-rwxr-xr-x", "root/root"},
		"/usr/bin/zoombeat":                                    {"-rwxr-xr-x", "root/root"},
		"/usr/lib/systemd/system/zoombeat.service":             {"-rw-r--r--", "root/root"},
		"/etc/zoombeat":                                        {"drwxr-x---", "root/zoombeat"},
		"/etc/zoombeat/filebeat.yml":                           {"-rw-r-----", "root/zoombeat"},
		"/etc/zoombeat/filebeat.reference.yml":                 {"-rw-r--r--", "root/root"},
		"/etc/zoombeat/modules.d/zoom.yml.disabled":            {"-rw-r-----", "root/zoombeat"},
		"/etc/default/zoombeat":                                {"-rw-------", "root/root"},
		"/var/lib/zoombeat":                                    {"drwxr-x---", "zoombeat/zoombeat"},
		"/var/log/zoombeat":                                    {"drwxr-x---", "zoombeat/zoombeat"},
		"/usr/share/zoombeat/fields.yml":                       {"-rw-r--r--", "root/root"},
		"/usr/share/zoombeat/module/zoom/webhook/manifest.yml": {"-rw-r--r--", "root/root"},
		"/usr/share/zoombeat/NOTICE.txt":                       {"-rw-r--r--", "root/root"},
	}
	for path, want := range wantFiles {
		assert.Equal(t, want, contents[path], path)
	}
	for path := range contents {
		assert.False(t, strings.HasSuffix(path, ".go") || strings.Contains(path, "/_meta"), "no sources in the package: %s", path)
	}

	tree := t.TempDir()
	runIn(t, dir, "dpkg-deb", "-x", deb, tree)
	unit, err := os.ReadFile(filepath.Join(tree, "usr/lib/systemd/system/zoombeat.service"))
	require.NoError(t, err)
	for _, want := range []string{
		"User=zoombeat", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "EnvironmentFile=-/etc/default/zoombeat",
		"ExecStart=/usr/share/zoombeat/bin/filebeat --environment systemd -c /etc/zoombeat/filebeat.yml --path.home /usr/share/zoombeat --path.config /etc/zoombeat --path.data /var/lib/zoombeat --path.logs /var/log/zoombeat",
		"WantedBy=multi-user.target",
	} {
		assert.Contains(t, string(unit), want)
	}
	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		// verify wants the unit's binary where ExecStart says: a copy of
		// the unit points at the extracted tree's. It warns of any unknown
		// key or bad value (and exits 0 for those): it must say nothing.
		units := t.TempDir()
		copied := strings.Replace(string(unit), "ExecStart=/usr/share/zoombeat/", "ExecStart="+tree+"/usr/share/zoombeat/", 1)
		require.NoError(t, os.WriteFile(filepath.Join(units, "zoombeat.service"), []byte(copied), 0o644))
		out, err := exec.Command(analyze, "verify", filepath.Join(units, "zoombeat.service")).CombinedOutput()
		assert.NoError(t, err, "systemd-analyze verify:\n%s", out)
		assert.Empty(t, string(out), "systemd-analyze verify finds nothing to say")
	} else {
		t.Log("systemd-analyze not found: the unit file is checked by its lines only")
	}

	// The binary from the extracted tree, with the packaged configuration
	// (as the unit runs it, data and logs in a scratch directory).
	state := t.TempDir()
	args := []string{
		"-c", filepath.Join(tree, "etc/zoombeat/filebeat.yml"),
		"--path.home", filepath.Join(tree, "usr/share/zoombeat"), "--path.config", filepath.Join(tree, "etc/zoombeat"),
		"--path.data", filepath.Join(state, "data"), "--path.logs", filepath.Join(state, "logs"),
	}
	installed := filepath.Join(tree, "usr/share/zoombeat/bin/filebeat")
	assert.Contains(t, runIn(t, state, installed, append([]string{"test", "config"}, args...)...), "Config OK")
	runsAndDelivers(t, state, exec.Command(installed, append(append([]string{"--environment", "systemd"}, args...), listenPort(freePort(t))...)...))

	// The rpm, from its header.
	f, err := os.Open(rpm)
	require.NoError(t, err)
	defer f.Close()
	r, err := rpmutils.ReadRpm(f)
	require.NoError(t, err)
	nevra, err := r.Header.GetNEVRA()
	require.NoError(t, err)
	assert.Equal(t, []string{"zoombeat", release.Version, "1", "x86_64"}, []string{nevra.Name, nevra.Version, nevra.Release, nevra.Arch})
	infos, err := r.Header.GetFiles()
	require.NoError(t, err)
	files := map[string]rpmutils.FileInfo{}
	for _, fi := range infos {
		files[fi.Name()] = fi
	}
	for path, want := range wantFiles {
		fi, ok := files[path]
		if assert.True(t, ok, "the rpm has %s", path) {
			mode := os.FileMode(fi.Mode()) & os.ModePerm
			if fi.Mode()&0o170000 == 0o040000 {
				mode |= os.ModeDir
			}
			assert.Equal(t, want, debEntry{mode.String(), fi.UserName() + "/" + fi.GroupName()}, path)
		}
	}
	for path, fi := range files {
		want := slices.Contains(conffiles, path)
		assert.Equal(t, want, fi.Flags()&rpmutils.RPMFILE_CONFIG != 0, "%s is %%config", path)
		if want {
			assert.NotZero(t, fi.Flags()&rpmutils.RPMFILE_NOREPLACE, "%s is %%config(noreplace)", path)
		}
	}
}
