// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Command bench measures zoombeat under load, against the floor of this
// machine, in one run: `go tool mage bench` (or `go run ./testing/bench`).
//
// It builds the custom Filebeat and the floor server (testing/bench/floor),
// starts each in turn, and drives it over loopback with concurrent keep-alive
// clients that send signed notifications of every family (each with a
// distinct event_ts, so each gets its own _id) for a fixed time. It prints
// requests/s, events written, p50/p99/max latency, peak RSS and CPU seconds
// per 1,000 events for both, the ratio ours/floor, and checks that every
// request answered 200 has exactly one document in Filebeat's output.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/internal/release"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

const secret = "bench-secret-token"

var (
	cpuProfile  string
	traceFile   string
	memProfile  string
	bare        bool
	filebeatEnv string // -env: extra environment for Filebeat (GOGC experiments)
	binarySize  int64
	skipPresets bool // -no-presets
	fitVariants bool // -fit-variants
	// websocketEvents is -websocket-events: the WebSocket path's run.
	websocketEvents int
)

func main() {
	duration := flag.Duration("duration", 20*time.Second, "how long each target is driven")
	concurrency := flag.Int("concurrency", 32, "concurrent keep-alive clients")
	warmup := flag.Duration("warmup", 2*time.Second, "load before measuring")
	keep := flag.Bool("keep", false, "keep the work directory")
	flag.StringVar(&filebeatEnv, "env", "", `environment variables for Filebeat only, e.g. "GOGC=300"`)
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of Filebeat under load to this file (go tool pprof)")
	flag.StringVar(&traceFile, "trace", "", "write an execution trace of one second of Filebeat under load to this file (go tool trace)")
	flag.BoolVar(&bare, "bare", false, "run Filebeat without the zoom module: the zoom_webhook input unsigned and unmapped, to measure libbeat's share")
	flag.StringVar(&memProfile, "memprofile", "", "write Filebeat's allocation profile after the load to this file (go tool pprof -sample_index=alloc_space); with -backfill, its heap profile at the end")
	flag.BoolVar(&skipPresets, "no-presets", false, "skip the Elasticsearch output runs (balanced preset as zoombeat fits it, against preset: custom with flush.timeout 0s)")
	flag.BoolVar(&fitVariants, "fit-variants", false, "also run the balanced preset's settings with flush timeouts of 5ms, 50ms and 200ms, which chose the fitted 0s")
	flag.IntVar(&websocketEvents, "websocket-events", 50000, "events sent through the zoom module's websocket fileset, to compare with the webhook path (0: skip)")
	backfill := flag.Int("backfill", 0, "instead of the webhook load, measure a zoom_reports backfill of this many operation-log entries (e.g. 1000000)")
	backfillDays := flag.Int("backfill-days", 180, "the days the backfill's entries span")
	backfillRate := flag.Float64("backfill-rps", 10, "the backfill's requests_per_second")
	flag.Parse()
	if *backfill > 0 {
		if err := runBackfill(*backfill, *backfillDays, *backfillRate, *keep); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*duration, *warmup, *concurrency, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// result is what one target did under load.
type result struct {
	name                string
	requests, ok, fails int64
	elapsed             time.Duration
	p50, p99, max       time.Duration
	peakRSS             int64 // bytes, VmHWM: includes the binary's file-backed pages
	peakAnon            int64 // bytes, peak RssAnon sampled during the load: the memory the process allocated
	usage               usage // CPU used during the measured window only
	okIDs               map[string]bool
}

func (r result) rps() float64 { return float64(r.ok) / r.elapsed.Seconds() }

// perRequest is d shared out over the requests answered 200, in µs.
func (r result) perRequest(d time.Duration) float64 {
	if r.ok == 0 {
		return 0
	}
	return float64(d.Microseconds()) / float64(r.ok)
}

// prepare makes a work directory (kept with keep, removed by cleanup
// otherwise) and builds into it, as released, each of builds: {file name,
// package}.
func prepare(keep bool, builds ...[2]string) (root, work string, cleanup func(), err error) {
	if root, err = repoRoot(); err != nil {
		return "", "", nil, err
	}
	if work, err = os.MkdirTemp("", "zoombeat-bench-"); err != nil {
		return "", "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(work) }
	if keep {
		fmt.Println("work directory:", work)
		cleanup = func() {}
	}
	for _, b := range builds {
		cmd := release.Command(root, filepath.Join(work, b[0]), b[1]) // the binary as released
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			cleanup()
			return "", "", nil, fmt.Errorf("building %s: %w", b[0], err)
		}
	}
	return root, work, cleanup, nil
}

func run(duration, warmup time.Duration, concurrency int, keep bool) error {
	root, work, cleanup, err := prepare(keep, [2]string{"filebeat", "."}, [2]string{"floor", "./testing/bench/floor"})
	if err != nil {
		return err
	}
	defer cleanup()
	if fi, err := os.Stat(filepath.Join(work, "filebeat")); err == nil {
		binarySize = fi.Size()
	}
	bodies, err := zoomsim.LoadNotifications(filepath.Join(root, "testing", "webhook"))
	if err != nil {
		return err
	}

	ours, err := benchFilebeat(root, work, bodies, duration, warmup, concurrency)
	if err != nil {
		return err
	}
	floor, err := benchFloor(work, bodies, duration, warmup, concurrency)
	if err != nil {
		return err
	}
	report(ours, floor, duration, concurrency)
	if ours.fails > 0 {
		return fmt.Errorf("%d requests to zoombeat failed", ours.fails)
	}
	if websocketEvents > 0 {
		ws, err := benchWebSocket(root, work, bodies, websocketEvents)
		if err != nil {
			return err
		}
		reportWebSocket(ws, ours, concurrency)
	}
	if skipPresets {
		return nil
	}
	return runPresets(root, work, bodies, duration, warmup, concurrency)
}

func repoRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// fileOutput is the output of the main run: the memory queue with
// flush.timeout 0s, and output.file into dir/out.
func fileOutput(dir string) (string, func() (map[string]int, error)) {
	cfg := fmt.Sprintf(`
queue.mem:
  events: 4096
  flush.min_events: 512
  flush.timeout: 0s
output.file:
  path: %s
  filename: zoom
  rotate_every_kb: 10240000
`, filepath.Join(dir, "out"))
	return cfg, func() (map[string]int, error) { return outputIDs(filepath.Join(dir, "out")) }
}

func benchFilebeat(root, work string, bodies []zoomsim.Notification, duration, warmup time.Duration, concurrency int) (result, error) {
	dir := filepath.Join(work, "filebeat-run")
	output, ids := fileOutput(dir)
	return benchTarget(root, work, dir, "zoombeat", output, ids, bodies, duration, warmup, concurrency)
}

// benchTarget runs the binary in dir with the zoom module's webhook fileset
// and output (the output's part of filebeat.yml), drives it, and checks with
// ids (documents by @metadata._id, read once Filebeat has stopped) that every
// request answered 200 is in the output exactly once.
func benchTarget(root, work, dir, name, output string, ids func() (map[string]int, error), bodies []zoomsim.Notification, duration, warmup time.Duration, concurrency int) (result, error) {
	port, err := freePort()
	if err != nil {
		return result{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return result{}, err
	}
	source := fmt.Sprintf(`
filebeat.modules:
  - module: zoom
    webhook:
      enabled: true
      var.listen_address: 127.0.0.1
      var.listen_port: %d
      var.secret_token: %s
`, port, secret)
	if bare {
		// libbeat's share alone: the same input, pipeline, queue and output,
		// but no mapping (no zoom processor) and no signature check.
		source = fmt.Sprintf(`
filebeat.inputs:
  - type: zoom_webhook
    listen_address: 127.0.0.1
    listen_port: %d
    allow_unsigned: true
`, port)
	}
	cfg := source + output + `
logging.level: warning
logging.to_stderr: true
`
	if err := os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte(cfg), 0o600); err != nil {
		return result{}, err
	}
	pprofPort, err := freePort()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(filepath.Join(work, "filebeat"), "-e", "-c", filepath.Join(dir, "filebeat.yml"),
		"--path.home", root, "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"),
		"--httpprof", fmt.Sprintf("127.0.0.1:%d", pprofPort))
	cmd.Env = append(os.Environ(), strings.Fields(filebeatEnv)...)
	logf, _ := os.Create(filepath.Join(dir, "filebeat.log"))
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	url, stop, err := start(cmd, port)
	if err != nil {
		return result{}, err
	}
	defer stop()

	profiled := make(chan error, 1)
	if traceFile != "" {
		go func() {
			time.Sleep(warmup + duration/2)
			_ = fetch(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/trace?seconds=1", pprofPort), traceFile)
		}()
	}
	if cpuProfile != "" {
		go func() {
			time.Sleep(warmup)
			profiled <- fetch(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", pprofPort, int(duration.Seconds())-1), cpuProfile)
		}()
	}
	r := measure(cmd, name, url, true, bodies, duration, warmup, concurrency)
	if memProfile != "" {
		if err := fetch(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/allocs", pprofPort), memProfile); err != nil {
			return r, fmt.Errorf("allocation profile: %w", err)
		}
	}
	if cpuProfile != "" {
		if err := <-profiled; err != nil {
			return r, fmt.Errorf("CPU profile: %w", err)
		}
	}

	// Stop, then check that every 200 is in the output exactly once.
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	seen, err := ids()
	if err != nil {
		return r, err
	}
	missing, dup := 0, 0
	for id := range r.okIDs {
		switch seen[id] {
		case 0:
			missing++
		case 1:
		default:
			dup++
		}
	}
	if missing > 0 || dup > 0 {
		return r, fmt.Errorf("of %d requests answered 200, %d have no document and %d more than one", len(r.okIDs), missing, dup)
	}
	fmt.Printf("%s: all %d requests answered 200 have exactly one document in the output (%d documents)\n", name, len(r.okIDs), total(seen))
	return r, nil
}

func fetch(url, file string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

func total(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

func benchFloor(work string, bodies []zoomsim.Notification, duration, warmup time.Duration, concurrency int) (result, error) {
	port, err := freePort()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(filepath.Join(work, "floor"), "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-out", filepath.Join(work, "floor.ndjson"))
	url, stop, err := start(cmd, port)
	if err != nil {
		return result{}, err
	}
	defer stop()
	return measure(cmd, "floor", url, false, bodies, duration, warmup, concurrency), nil
}

// start runs a target server and waits until it answers on port.
func start(cmd *exec.Cmd, port int) (string, func(), error) {
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	url := fmt.Sprintf("http://127.0.0.1:%d/zoom", port)
	if err := waitUp(url); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// measure drives the target and reads its memory and CPU use.
func measure(cmd *exec.Cmd, name, url string, trackIDs bool, bodies []zoomsim.Notification, duration, warmup time.Duration, concurrency int) result {
	stopSampling := sampleAnon(cmd.Process.Pid)
	from := time.Now().Add(warmup)
	until := from.Add(duration)
	window := watchUsage(cmd.Process.Pid, from, until)
	r := drive(name, url, trackIDs, bodies, from, until, concurrency)
	r.peakAnon = stopSampling()
	r.peakRSS, _ = procStats(cmd.Process.Pid)
	r.usage = window()
	return r
}

func waitUp(url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come up", url)
}

// drive sends signed notifications from concurrency keep-alive clients until
// end and measures the requests sent from measureFrom on.
func drive(name, url string, trackIDs bool, bodies []zoomsim.Notification, measureFrom, end time.Time, concurrency int) result {
	tr := &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var seq atomic.Int64
	type local struct {
		lat                 []time.Duration
		requests, ok, fails int64
		answered            []int64 // the sequence numbers answered 200; their ids are worked out after the run
	}
	locals := make([]*local, concurrency)
	var wg sync.WaitGroup
	for w := range concurrency {
		locals[w] = &local{}
		wg.Add(1)
		go func(l *local) {
			defer wg.Done()
			sender := &zoomsim.Sender{URL: url, Secret: secret, Client: client}
			for {
				now := time.Now()
				if now.After(end) {
					return
				}
				n := seq.Add(1)
				body := bodies[int(n)%len(bodies)].Nth(n)
				req, _ := sender.Request(context.Background(), body)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat := time.Since(t0)
				if !t0.After(measureFrom) {
					if trackIDs && err == nil && resp.StatusCode == 200 {
						l.answered = append(l.answered, n)
					}
					continue
				}
				l.requests++
				l.lat = append(l.lat, lat)
				if err == nil && resp.StatusCode == 200 {
					l.ok++
					if trackIDs {
						l.answered = append(l.answered, n)
					}
				} else {
					l.fails++
				}
			}
		}(locals[w])
	}
	wg.Wait()
	r := result{name: name, elapsed: end.Sub(measureFrom), okIDs: map[string]bool{}}
	var lat []time.Duration
	for _, l := range locals {
		r.requests += l.requests
		r.ok += l.ok
		r.fails += l.fails
		lat = append(lat, l.lat...)
		// Hashed here, not in the loop, so that the clients do the same
		// work for both targets while they are measured.
		for _, n := range l.answered {
			r.okIDs[contract.DeliveryID(bodies[int(n)%len(bodies)].Nth(n))] = true
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[len(lat)*99/100]
		r.max = lat[len(lat)-1]
	}
	return r
}

// sampleAnon samples the process's anonymous resident memory every 50ms
// until the returned function is called, which returns the peak.
func sampleAnon(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v := statusKB(pid, "RssAnon:"); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// statusKB reads one "Key: N kB" line of /proc/<pid>/status, in bytes.
func statusKB(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// procStats reads a process's peak RSS (VmHWM) and CPU time (utime+stime).
func procStats(pid int) (int64, time.Duration) {
	rss := statusKB(pid, "VmHWM:")
	var cpu time.Duration
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// Fields after the command name, which is in parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		cpu = time.Duration(utime+stime) * time.Second / 100 // USER_HZ
	}
	return rss, cpu
}

func outputIDs(dir string) (map[string]int, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	seen := map[string]int{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 4<<20)
		for sc.Scan() {
			var doc struct {
				Meta struct {
					ID string `json:"_id"`
				} `json:"@metadata"`
			}
			if err := json.Unmarshal(sc.Bytes(), &doc); err == nil {
				seen[doc.Meta.ID]++
			}
		}
		fh.Close()
	}
	return seen, nil
}

// table prints the targets' results as a Markdown table.
func table(rs ...result) {
	fmt.Printf("| target | requests/s | answered 200 | other | p50 | p99 | max | peak RSS | peak anonymous RSS | CPU s / 1,000 events | clients' CPU s / 1,000 | machine busy |\n")
	fmt.Printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rs {
		fmt.Printf("| %s | %.0f | %d | %d | %v | %v | %v | %.1f MiB | %.1f MiB | %.3f | %.3f | %.0f %% |\n", r.name, r.rps(), r.ok, r.fails,
			r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.max.Round(100*time.Microsecond),
			float64(r.peakRSS)/(1<<20), float64(r.peakAnon)/(1<<20),
			r.perRequest(r.usage.server)/1000, r.perRequest(r.usage.clients)/1000, r.usage.busy*100)
	}
	fmt.Printf("(CPU during the measured window only, per request answered 200; the clients run on the same %d CPUs)\n", rs[0].usage.cpus)
}

func report(ours, floor result, duration time.Duration, concurrency int) {
	fmt.Printf("\n%d concurrent keep-alive clients, %v measured after warm-up, signed notifications of every family\n\n", concurrency, duration)
	table(ours, floor)
	ratio := ours.rps() / floor.rps()
	fmt.Printf("\nzoombeat / floor: %.0f%% of the floor's requests/s\n", ratio*100)
	check(ratio >= 0.55, ">= 55% of the floor's requests/s") // issue 14's target
	if ratio < 0.55 {
		fmt.Printf("    at 55%% of the floor (%.0f requests/s), on a machine as busy and with clients as costly per request as in\n"+
			"    zoombeat's run, Filebeat could use %.0f µs of CPU per request; it used %.0f\n",
			0.55*floor.rps(), serverBudget(ours, 0.55*floor.rps()), ours.perRequest(ours.usage.server))
	}
	check(ours.p99 < 20*time.Millisecond, "p99 < 20 ms")
	check(ours.peakRSS < 100<<20, "peak RSS < 100 MiB")
	fmt.Printf("  (peak RSS counts the pages of the %.0f MiB binary that the process maps; the anonymous part is what it allocates)\n", float64(binarySize)/(1<<20))
}

// check prints whether a target was met.
func check(ok bool, what string) {
	mark := "met"
	if !ok {
		mark = "MISSED"
	}
	fmt.Printf("  target %-40s %s\n", what, mark)
}
