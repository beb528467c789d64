// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/release"
)

// binary is the custom Filebeat, built once for the whole run by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "zoombeat-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "filebeat")
	build := release.Command(repoRoot(), binary, ".") // the binary as released
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the custom Filebeat:", err)
		return 1
	}
	return m.Run()
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// filebeat is one running process of the custom binary.
type filebeat struct {
	t    *testing.T
	home string
	cmd  *exec.Cmd
	done chan struct{}

	mu  sync.Mutex
	log bytes.Buffer
}

var listening = regexp.MustCompile(`Listening for Zoom webhooks at (https?://[^"\s]+)`)

// startFilebeat writes config as filebeat.yml into a fresh home and runs the
// binary there until the webhook listener is up; it returns the listener's URL.
func startFilebeat(t *testing.T, config string, env ...string) (*filebeat, string) {
	t.Helper()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "filebeat.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return startIn(t, home, env)
}

// startWithModules runs the binary with the repository as path.home, so that
// it finds module/zoom as an installed Filebeat finds its modules, and a
// fresh directory for configuration, data and logs (config goes into its
// filebeat.yml). It returns the process, its config directory and the URL.
func startWithModules(t *testing.T, config string, env []string, args ...string) (*filebeat, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs")}, args...)
	return startArgs(t, dir, env, args...)
}

func startIn(t *testing.T, home string, env []string) (*filebeat, string) {
	t.Helper()
	return startArgs(t, home, env, "--path.home", home)
}

func startArgs(t *testing.T, home string, env []string, args ...string) (*filebeat, string) {
	t.Helper()
	return startUntil(t, home, env, listening, args...)
}

// startUntil runs the binary and waits for a log line matching ready; it
// returns the process and the line's first submatch.
func startUntil(t *testing.T, home string, env []string, ready *regexp.Regexp, args ...string) (*filebeat, string) {
	t.Helper()
	return startWithStdin(t, home, env, ready, nil, args...)
}

// startWithStdin is startUntil with stdin for the process (nil: none), as
// Elastic Agent writes its connection info there.
func startWithStdin(t *testing.T, home string, env []string, ready *regexp.Regexp, stdin []byte, args ...string) (*filebeat, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"-e", "-c", filepath.Join(home, "filebeat.yml")}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Dir = home
	cmd.Env = append(os.Environ(), env...)
	return startCommand(t, home, cmd, ready)
}

// startCommand starts cmd, a filebeat command whose data directory is
// home/data, and waits for a log line matching ready; it returns the process
// and the line's first submatch.
func startCommand(t *testing.T, home string, cmd *exec.Cmd, ready *regexp.Regexp) (*filebeat, string) {
	t.Helper()
	fb := &filebeat{t: t, home: home, done: make(chan struct{}), cmd: cmd}
	stderr, err := fb.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	fb.cmd.Stdout = fb.cmd.Stderr
	if err := fb.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlCh := make(chan string, 1)
	go func() {
		defer close(fb.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			fb.mu.Lock()
			fb.log.Write(sc.Bytes())
			fb.log.WriteByte('\n')
			fb.mu.Unlock()
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlCh <- m[1]:
				default:
				}
			}
		}
		_ = fb.cmd.Wait()
	}()
	t.Cleanup(func() {
		if fb.cmd.ProcessState == nil {
			_ = fb.cmd.Process.Kill()
			<-fb.done
		}
		if t.Failed() {
			t.Logf("filebeat log:\n%s", fb.logs())
		}
	})
	select {
	case u := <-urlCh:
		return fb, u
	case <-fb.done:
		t.Fatalf("filebeat exited at start:\n%s", fb.logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("filebeat did not log %q:\n%s", ready, fb.logs())
	}
	return nil, ""
}

func (fb *filebeat) logs() string {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return fb.log.String()
}

// stop sends SIGTERM and returns the exit code and how long the stop took.
func (fb *filebeat) stop() (int, time.Duration) {
	fb.t.Helper()
	start := time.Now()
	if err := fb.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		fb.t.Fatal(err)
	}
	select {
	case <-fb.done:
	case <-time.After(30 * time.Second):
		fb.t.Fatalf("filebeat did not stop within 30s of SIGTERM")
	}
	return fb.cmd.ProcessState.ExitCode(), time.Since(start)
}

// docs returns every document the file output wrote, in order.
func (fb *filebeat) docs() []map[string]any {
	fb.t.Helper()
	files, _ := filepath.Glob(filepath.Join(fb.home, "data", "out", "*.ndjson"))
	var docs []map[string]any
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fb.t.Fatal(err)
		}
		// The file output writes each document with its newline in one
		// write; a last line without its newline is one that Filebeat is
		// still writing, read in the middle, not a document yet.
		text := string(b)
		text = text[:strings.LastIndexByte(text, '\n')+1]
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if line == "" {
				continue
			}
			var d map[string]any
			dec := json.NewDecoder(strings.NewReader(line))
			dec.UseNumber()
			if err := dec.Decode(&d); err != nil {
				fb.t.Fatalf("output line is not JSON: %v: %s", err, line)
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// get walks a dotted path through a document.
func get(doc map[string]any, path string) any {
	var cur any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// fileOutputConfig is the tail of a test config that writes to ./out.
func fileOutputConfig() string {
	return `
queue.mem:
  events: 4096
  flush.min_events: 512
  flush.timeout: 0s
output.file:
  path: ${path.data}/out
  filename: zoom
logging.level: info
`
}

func itoa(i int) string { return strconv.Itoa(i) }

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestBinaryIsStatic checks the released shape of the binary (internal/release):
// no program interpreter (no libc needed) and no exported dynamic symbols,
// whose pages would count in the resident memory that issue 5 bounds.
func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary has a program interpreter (PT_INTERP): it is dynamically linked, built with cgo")
		}
	}
	if s := f.Section(".dynsym"); s != nil {
		t.Errorf("the binary exports %d bytes of dynamic symbols (.dynsym)", s.Size)
	}
}

// TestVersion: `filebeat version` prints zoombeat's version (the one set in
// internal/release) and the commit it was built from, then the Filebeat and
// libbeat it is built on.
func TestVersion(t *testing.T) {
	out, err := exec.Command(binary, "version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	stamp := release.StampOf(repoRoot())
	require.NotEqual(t, "unknown", stamp.Commit, "the tests run in a git checkout")
	assert.Regexp(t, `^zoombeat version `+regexp.QuoteMeta(release.Version)+` \(linux/amd64\) \[`+stamp.Commit+` built \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\], filebeat 9\.3\.0, libbeat 9\.3\.0\n$`, string(out))
}
