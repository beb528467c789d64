// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// wsResult is what the WebSocket path did: n events through the Zoom
// stand-in's subscription, from the first sent to the last acknowledged.
type wsResult struct {
	n                 int
	elapsed, cpu      time.Duration
	peakRSS, peakAnon int64
}

func (r wsResult) eventsPerSecond() float64 { return float64(r.n) / r.elapsed.Seconds() }

// benchWebSocket runs the binary with the zoom module's websocket fileset
// (mapping as the webhook fileset's) and the file output, against the Zoom
// stand-in, sends n notifications (the samples, made unique) through the
// subscription as fast as the connection takes them, and checks that each is
// in the output once. The stand-in writes from one goroutine, as Zoom has
// one connection per subscription.
func benchWebSocket(root, work string, bodies []zoomsim.Notification, n int) (wsResult, error) {
	const sub = "bench-sub"
	zoom := zoomsim.NewReportServer("acct-bench", "client-bench", "secret-bench")
	defer zoom.Close()
	zoom.AddSubscription(sub)
	monPort, err := freePort()
	if err != nil {
		return wsResult{}, err
	}
	dir := filepath.Join(work, "websocket-run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return wsResult{}, err
	}
	output, ids := fileOutput(dir)
	cfg := fmt.Sprintf(`
filebeat.modules:
  - module: zoom
    webhook:
      enabled: false
    websocket:
      enabled: true
      var.url: %s
      var.client_id: client-bench
      var.client_secret: secret-bench
      var.oauth_url: %s/oauth/token
http.enabled: true
http.host: 127.0.0.1
http.port: %d
logging.level: warning
logging.to_stderr: true
`, zoom.WebSocketURL(sub), zoom.URL(), monPort) + output
	if err := os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte(cfg), 0o600); err != nil {
		return wsResult{}, err
	}
	cmd := exec.Command(filepath.Join(work, "filebeat"), "-e", "-c", filepath.Join(dir, "filebeat.yml"),
		"--path.home", root, "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"))
	logf, _ := os.Create(filepath.Join(dir, "filebeat.log"))
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return wsResult{}, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); zoom.Connects(sub) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return wsResult{}, fmt.Errorf("the websocket fileset did not connect in 30 s (log: %s)", logf.Name())
		}
	}
	peakAnon := sampleAnon(cmd.Process.Pid)
	_, cpuBefore := procStats(cmd.Process.Pid)
	start := time.Now()
	for i := range n {
		if !zoom.Publish(sub, bodies[i%len(bodies)].Nth(int64(i))) {
			return wsResult{}, fmt.Errorf("event %d: the stand-in had no connection", i)
		}
	}
	for ackedEvents(monPort) < int64(n) {
		if time.Since(start) > 5*time.Minute {
			return wsResult{}, fmt.Errorf("only %d of %d events acknowledged in 5 min", ackedEvents(monPort), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	r := wsResult{n: n, elapsed: time.Since(start), peakAnon: peakAnon()}
	var cpuAfter time.Duration
	r.peakRSS, cpuAfter = procStats(cmd.Process.Pid)
	r.cpu = cpuAfter - cpuBefore
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	seen, err := ids()
	if err != nil {
		return r, err
	}
	if len(seen) != n || total(seen) != n {
		return r, fmt.Errorf("%d events sent, %d distinct documents and %d in all in the output", n, len(seen), total(seen))
	}
	fmt.Printf("websocket: all %d events have exactly one document in the output\n", n)
	return r, nil
}

// reportWebSocket prints the WebSocket path beside the webhook path.
func reportWebSocket(ws wsResult, webhook result, concurrency int) {
	fmt.Printf("\n| path | events/s | CPU s per 1,000 events | peak RSS MiB | peak anon MiB |\n| --- | ---: | ---: | ---: | ---: |\n")
	fmt.Printf("| webhook (%d senders, signed, each answered after its ACK) | %.0f | %.3f | %.0f | %.0f |\n", concurrency, webhook.rps(),
		webhook.perRequest(webhook.usage.server)/1000, float64(webhook.peakRSS)/(1<<20), float64(webhook.peakAnon)/(1<<20))
	fmt.Printf("| WebSocket (one connection, %d events) | %.0f | %.3f | %.0f | %.0f |\n", ws.n, ws.eventsPerSecond(),
		ws.cpu.Seconds()*1000/float64(ws.n), float64(ws.peakRSS)/(1<<20), float64(ws.peakAnon)/(1<<20))
}
