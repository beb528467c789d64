// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// The operation-log categories and actions the backfill's entries cycle
// through, so that the mapping sees the mix of a real account.
var backfillEntries = []struct{ category, action, detail string }{
	{"User", "Add", "Add User u%d@example.com  - User Type: Basic - Dept: Research"},
	{"User", "Update", "Update User u%d@example.com  - User Type: from Basic to Licensed"},
	{"Account", "Update", "Update Account Settings - Waiting room: from On to Off - Entry %d"},
	{"Recording", "Delete", "Delete Recording Weekly sync (8574626%04d)"},
	{"Role", "Assign", "Assign Role Admin - Members: u%d@example.com - Role: from Member to Admin"},
	{"Meeting", "Update", "Update Meeting 8574626%04d - Topic: from Weekly sync to Review"},
}

// runBackfill measures the first run of zoom_reports over a large account:
// the Zoom stand-in holds entries operation-log entries spread over days,
// and the real binary, with the zoom module's operationlogs fileset
// (page_size 300, initial_interval days, requests_per_second rps), reads
// them all into the file output. It prints entries/s, requests per entry,
// the highest request rate over any second, and peak RSS.
func runBackfill(entries, days int, rps float64, keep bool) error {
	root, work, cleanup, err := prepare(keep, [2]string{"filebeat", "."})
	if err != nil {
		return err
	}
	defer cleanup()
	bin := filepath.Join(work, "filebeat")

	server := zoomsim.NewReportServer("acct-bench", "client-bench", "secret-bench")
	defer server.Close()
	now := time.Now().UTC()
	span := time.Duration(days) * 24 * time.Hour
	batch := make([]map[string]any, 0, entries)
	for i := range entries {
		e := backfillEntries[i%len(backfillEntries)]
		t := now.Add(-time.Hour - span + time.Duration(int64(span)/int64(entries)*int64(i)))
		batch = append(batch, map[string]any{
			"time": t.Truncate(time.Second).Format(time.RFC3339), "operator": fmt.Sprintf("admin%d@example.com", i%50),
			"category_type": e.category, "action": e.action, "operation_detail": fmt.Sprintf(e.detail, i%10000),
		})
	}
	server.AddOperationLogs(batch...)

	monPort, err := freePort()
	if err != nil {
		return err
	}
	dir := filepath.Join(work, "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cfg := fmt.Sprintf(`
filebeat.modules:
  - module: zoom
    webhook:
      enabled: false
    operationlogs:
      enabled: true
      var.account_id: acct-bench
      var.client_id: client-bench
      var.client_secret: secret-bench
      var.api_url: %[1]s/v2
      var.oauth_url: %[1]s/oauth/token
      var.initial_interval: %[2]dd
      var.page_size: 300
      var.requests_per_second: %[3]v
output.file:
  path: %[4]s
  filename: zoom
  rotate_every_kb: 10240000
  number_of_files: 1024
http.enabled: true
http.host: 127.0.0.1
http.port: %[5]d
logging.level: warning
logging.to_stderr: true
`, server.URL(), days+1, rps, filepath.Join(dir, "out"), monPort)
	if err := os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte(cfg), 0o600); err != nil {
		return err
	}
	pprofPort, err := freePort()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "-e", "-c", filepath.Join(dir, "filebeat.yml"), "--path.home", root,
		"--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"),
		"--httpprof", fmt.Sprintf("127.0.0.1:%d", pprofPort))
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	peakAnon := sampleAnon(cmd.Process.Pid) // what the process allocates, without the binary's pages

	const path = "/v2/report/operationlogs"
	var maxPerSecond, lastCount int
	lastTick := time.Now()
	var acked int64
	for acked < int64(entries) {
		time.Sleep(250 * time.Millisecond)
		if time.Since(start) > 2*time.Hour {
			return fmt.Errorf("backfill did not finish in 2 h: %d of %d entries", acked, entries)
		}
		if time.Since(lastTick) >= time.Second {
			n := server.Requests(path, 200) + server.Requests(path, 429)
			maxPerSecond = max(maxPerSecond, n-lastCount)
			lastCount, lastTick = n, time.Now()
		}
		acked = ackedEvents(monPort)
	}
	elapsed := time.Since(start)
	if memProfile != "" { // what is live at the end: the heap profile's inuse_space
		if err := fetch(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap", pprofPort), memProfile); err != nil {
			return fmt.Errorf("heap profile: %w", err)
		}
	}
	requests := server.Requests(path, 200)
	limited := server.Requests(path, 429)
	peak, anon := statusKB(cmd.Process.Pid, "VmHWM:"), peakAnon()
	fmt.Printf("\nReports backfill: %d operation-log entries over %d days, page_size 300, requests_per_second %v\n\n", entries, days, rps)
	fmt.Println("| entries | elapsed | entries/s | requests (200) | 429s | requests per entry | max requests in 1 s | peak RSS | peak anonymous RSS |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	fmt.Printf("| %d | %.1f s | %.0f | %d | %d | %.5f | %d | %.1f MiB | %.1f MiB |\n", acked, elapsed.Seconds(), float64(acked)/elapsed.Seconds(),
		requests, limited, float64(requests)/float64(acked), maxPerSecond, float64(peak)/(1<<20), float64(anon)/(1<<20))
	if float64(maxPerSecond) > rps*1.05+1 {
		return fmt.Errorf("the request rate reached %d/s, over requests_per_second %v", maxPerSecond, rps)
	}
	return nil
}

// ackedEvents reads the events the output acknowledged from Filebeat's
// monitoring endpoint; 0 while it is not up.
func ackedEvents(port int) int64 {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/stats", port))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var stats struct {
		Libbeat struct {
			Output struct {
				Events struct {
					Acked int64 `json:"acked"`
				} `json:"events"`
			} `json:"output"`
		} `json:"libbeat"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		return 0
	}
	return stats.Libbeat.Output.Events.Acked
}
