// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// TestMemoryBeforeAuthentication: 1,024 connections (the default
// max_connections) each send max_body_bytes - 1 of a body and stall. Such
// bodies once held about 1 GiB before their signature could be checked; now
// max_inflight_bytes bounds them, the process stays under 200 MiB at its
// peak, and Zoom's signed notifications sent meanwhile are answered 200
// within a second.
func TestMemoryBeforeAuthentication(t *testing.T) {
	port := freePort(t)
	fb, url := startFilebeat(t, webhookConfig(port, "    processors: [{zoom: ~}]")+fileOutputConfig(), "ZOOM_SECRET_TOKEN="+secret)
	addr := strings.TrimPrefix(strings.TrimSuffix(url, "/zoom"), "http://")
	pid := fb.cmd.Process.Pid
	t.Logf("peak RSS at start: %d MiB", peakRSSOf(t, pid)>>20)

	const attackers, maxBody = 1024, 1 << 20
	filler := bytes.Repeat([]byte("a"), maxBody-1-len(`{"event":"`))
	stop := make(chan struct{})
	var attacking sync.WaitGroup
	var rejected, stalled atomic.Int32
	for range attackers {
		attacking.Add(1)
		go func() {
			defer attacking.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(20 * time.Second))
			_, err = fmt.Fprintf(c, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"event\":\"", maxBody)
			if err == nil {
				_, err = c.Write(filler)
			}
			if err != nil {
				rejected.Add(1) // the server answered and closed while we wrote
				return
			}
			// A refused body is answered 503 at once; an accepted one waits
			// for its last byte.
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			answer := make([]byte, 12)
			if n, _ := io.ReadFull(c, answer); n == len(answer) && string(answer[9:]) == "503" {
				rejected.Add(1)
				return
			}
			stalled.Add(1)
			select { // stall, one byte short, until the test ends
			case <-stop:
			case <-time.After(15 * time.Second):
			}
		}()
	}

	// Zoom's deliveries meanwhile.
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	sender := &zoomsim.Sender{URL: url, Secret: secret, Client: client}
	samples, err := zoomsim.LoadNotifications(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	var slowest time.Duration
	for i := range 20 {
		time.Sleep(150 * time.Millisecond)
		start := time.Now()
		resp, err := sender.Send(context.Background(), samples[i%len(samples)].Nth(int64(i)))
		took := time.Since(start)
		slowest = max(slowest, took)
		if assert.NoError(t, err, "delivery %d", i) {
			assert.Equal(t, http.StatusOK, resp.Status, "delivery %d: %s", i, resp.Body)
		}
		assert.Less(t, took, time.Second, "delivery %d", i)
	}
	peak := peakRSSOf(t, pid)
	close(stop)
	attacking.Wait()
	t.Logf("peak RSS %d MiB; %d attackers stalled with their body accepted so far, %d refused; slowest delivery %v",
		peak>>20, stalled.Load(), rejected.Load(), slowest)
	assert.Less(t, peak, int64(200<<20), "peak RSS")
	assert.Greater(t, rejected.Load(), int32(attackers/2), "most bodies are refused once the budget is spent")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}
