// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// loadSeq numbers the notifications load sends, across calls, so that each
// is distinct.
var loadSeq atomic.Int64

// load sends distinct signed notifications from workers goroutines until
// stop is closed or each worker sent perWorker, and returns the delivery id
// and status of every answered request (0 when the request failed).
func load(t *testing.T, url string, workers, perWorker int, stop <-chan struct{}) map[string]int {
	t.Helper()
	samples, err := zoomsim.LoadNotifications(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	results := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sender := &zoomsim.Sender{URL: url, Secret: secret, Client: client}
			for range perWorker {
				select {
				case <-stop:
					return
				default:
				}
				n := loadSeq.Add(1)
				body := samples[int(n)%len(samples)].Nth(n)
				resp, err := sender.Send(context.Background(), body)
				status := 0
				if err == nil {
					status = resp.Status
				}
				mu.Lock()
				results[contract.DeliveryID(body)] = status
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

func idsWith(results map[string]int, status int) []string {
	var out []string
	for id, s := range results {
		if s == status {
			out = append(out, id)
		}
	}
	return out
}

// rssOf is a process's resident memory now (VmRSS), in bytes.
func rssOf(t *testing.T, pid int) int64 {
	t.Helper()
	return memoryOf(t, pid, "VmRSS:")
}

// peakRSSOf is a process's peak resident memory so far (VmHWM), in bytes.
func peakRSSOf(t *testing.T, pid int) int64 {
	t.Helper()
	return memoryOf(t, pid, "VmHWM:")
}

// memoryOf reads a field of /proc/<pid>/status given in kB, in bytes.
func memoryOf(t *testing.T, pid int, field string) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb * 1024
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func diskQueueConfig(port int, maxSize, segmentSize, output string) string {
	return webhookConfig(port, "    processors: [{zoom: ~}]") + `
queue.disk:
  path: ${path.data}/diskqueue
  max_size: ` + maxSize + `
  segment_size: ` + segmentSize + `
` + output + `
logging.level: info
`
}

const fileOutput = `
output.file:
  path: ${path.data}/out
  filename: zoom
`

// TestCrashWithDiskQueueLosesNothingAnswered kills Filebeat with SIGKILL
// under load and restarts it: every request that was answered 200 is in the
// output, since with the disk queue a 200 means "fsynced on local disk".
func TestCrashWithDiskQueueLosesNothingAnswered(t *testing.T) {
	port := freePort(t)
	dir := t.TempDir()
	cfg := diskQueueConfig(port, "64MiB", "4MiB", fileOutput)
	writeFile(t, filepath.Join(dir, "filebeat.yml"), cfg)
	env := []string{"ZOOM_SECRET_TOKEN=" + secret}
	fb, url := startArgs(t, dir, env, "--path.home", dir)

	stop := make(chan struct{})
	done := make(chan map[string]int, 1)
	go func() { done <- load(t, url, 16, 1_000_000, stop) }()
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, fb.cmd.Process.Signal(syscall.SIGKILL), "crash under load")
	<-fb.done
	close(stop)
	results := <-done
	acked := idsWith(results, 200)
	require.Greater(t, len(acked), 100, "the load got answers before the crash")

	fb2, _ := startArgs(t, dir, env, "--path.home", dir)
	require.Eventually(t, func() bool {
		return len(missing(fb2.docs(), acked)) == 0
	}, 60*time.Second, 200*time.Millisecond, "every request answered 200 is in the output after the restart")
	code, _ := fb2.stop()
	assert.Equal(t, 0, code)
}

func missing(docs []map[string]any, ids []string) []string {
	have := countByID(docs)
	var out []string
	for _, id := range ids {
		if have[id] == 0 {
			out = append(out, id)
		}
	}
	return out
}

// TestOutputDownWithDiskQueue: with Elasticsearch unreachable, requests keep
// getting 200 (their events are fsynced on local disk) until the queue is
// full, then 503. Started again on the same disk queue with a working output,
// Filebeat delivers every acknowledged event exactly once.
func TestOutputDownWithDiskQueue(t *testing.T) {
	port, esPort := freePort(t), freePort(t)
	dir := t.TempDir()
	// The smallest disk queue Filebeat allows, 10MiB.
	writeFile(t, filepath.Join(dir, "filebeat.yml"), diskQueueConfig(port, "10MiB", "1MiB", unreachableES(esPort)))
	env := []string{"ZOOM_SECRET_TOKEN=" + secret}
	fb, url := startArgs(t, dir, env, "--path.home", dir)

	// Fill the disk queue: 200s while there is room, then 503s.
	results := map[string]int{}
	for round := 0; round < 100 && len(idsWith(results, 503)) < 50; round++ {
		for id, s := range load(t, url, 16, 40, nil) {
			results[id] = s
		}
	}
	acked := idsWith(results, 200)
	refused := idsWith(results, 503)
	var qsize int64
	_ = filepath.Walk(filepath.Join(dir, "data", "diskqueue"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			qsize += fi.Size()
		}
		return nil
	})
	t.Logf("%d requests: %d acknowledged on disk, %d refused; the disk queue holds %d KiB", len(results), len(acked), len(refused), qsize>>10)
	require.Greater(t, len(acked), 200, "events were accepted while the output was down")
	assert.Greater(t, qsize, int64(9<<20), "the 503s came once the queue was full")
	require.NotEmpty(t, refused, "a full disk queue is answered 503")
	assert.Equal(t, len(results), len(acked)+len(refused), "every answer is a 200 or a 503")
	code, _ := fb.stop()
	require.Equal(t, 0, code)

	// The output is back: the same disk queue, now to the file output.
	writeFile(t, filepath.Join(dir, "filebeat.yml"), diskQueueConfig(port, "10MiB", "1MiB", fileOutput))
	fb2, _ := startArgs(t, dir, env, "--path.home", dir)
	require.Eventually(t, func() bool { return len(missing(fb2.docs(), acked)) == 0 }, 60*time.Second, 200*time.Millisecond)
	waitQuiet(fb2)
	for id, n := range countByID(fb2.docs()) {
		assert.Equal(t, 1, n, "event %s delivered %d times", id, n)
		// A 503 can come for an event that still reached the queue (its ACK
		// was late); Zoom's retry of it carries the same _id.
		assert.Contains(t, results, id, "only events that were sent")
	}
	code, _ = fb2.stop()
	assert.Equal(t, 0, code)
}

// waitQuiet waits until the output stops growing.
func waitQuiet(fb *filebeat) {
	last := -1
	for range 50 {
		n := len(fb.docs())
		if n == last {
			return
		}
		last = n
		time.Sleep(200 * time.Millisecond)
	}
}

// TestOutputDownWithMemoryQueue: every request gets 503 within ack_timeout
// and memory stays bounded, however many arrive.
func TestOutputDownWithMemoryQueue(t *testing.T) {
	port, esPort := freePort(t), freePort(t)
	fb, url := startFilebeat(t, strings.Replace(webhookConfig(port, ""), "ack_timeout: 1s", "ack_timeout: 300ms", 1)+`
queue.mem:
  events: 512
  flush.min_events: 64
  flush.timeout: 0s
`+unreachableES(esPort), "ZOOM_SECRET_TOKEN="+secret)
	before := rssOf(t, fb.cmd.Process.Pid)
	start := time.Now()
	results := load(t, url, 64, 16, nil) // 1,024 requests, twice what the queue holds
	took := time.Since(start)
	assert.Empty(t, idsWith(results, 200), "nothing is acknowledged while the output is down")
	assert.Len(t, idsWith(results, 503), len(results), "every request is answered 503")
	// 16 sequential requests per worker, each answered within ack_timeout.
	assert.Less(t, took, 16*800*time.Millisecond)
	after := rssOf(t, fb.cmd.Process.Pid)
	t.Logf("RSS before %d MiB, after %d MiB", before>>20, after>>20)
	assert.Less(t, after-before, int64(150<<20), "memory stays bounded")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// TestAbuse: slow clients do not hold the listener, connections are capped,
// and a flood of bad requests mixed with good ones delivers every good one
// once and answers every bad one with its error.
func TestAbuse(t *testing.T) {
	port := freePort(t)
	fb, url := startFilebeat(t, webhookConfig(port, `
    read_timeout: 2s
    write_timeout: 5s
    max_connections: 64
    max_body_bytes: 64KiB
    processors: [{zoom: ~}]
`)+fileOutputConfig(), "ZOOM_SECRET_TOKEN="+secret)
	addr := strings.TrimPrefix(strings.TrimSuffix(url, "/zoom"), "http://")
	before := rssOf(t, fb.cmd.Process.Pid)

	// Slowloris: 40 connections that trickle a header byte at a time.
	var slow []net.Conn
	for range 40 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, _ = c.Write([]byte("POST /zoom HTTP/1.1\r\nHost: x\r\n"))
		slow = append(slow, c)
	}
	// Meanwhile Zoom's deliveries are served.
	resp, err := (&zoomsim.Sender{URL: url, Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	// And after read_timeout the trickling connections are closed.
	for _, c := range slow {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 512)
		_, err := c.Read(buf) // a 408 answer or EOF: either way, not held open
		assert.NotErrorIs(t, err, os.ErrDeadlineExceeded, "a slow client is cut off by read_timeout")
		c.Close()
	}

	// Connections past max_connections: 64 that send nothing make room for
	// Zoom's once they have been silent for a second (a new connection's
	// grace for its handshake and first bytes)...
	var held []net.Conn
	for range 64 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		held = append(held, c)
	}
	time.Sleep(1200 * time.Millisecond)
	quick := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err = (&zoomsim.Sender{URL: url, Secret: secret, Client: quick}).Send(context.Background(), sample(t))
	require.NoError(t, err, "a silent connection makes room for the 65th")
	assert.Equal(t, 200, resp.Status)
	for _, c := range held {
		c.Close()
	}
	// ...but 64 busy ones (requests in progress) make it wait.
	held = held[:0]
	for range 64 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, _ = c.Write([]byte("POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"event\""))
		held = append(held, c)
	}
	time.Sleep(200 * time.Millisecond)
	quick.Timeout = 500 * time.Millisecond
	_, err = (&zoomsim.Sender{URL: url, Secret: secret, Client: quick}).Send(context.Background(), sample(t))
	assert.Error(t, err, "the 65th connection is not served while 64 requests are in progress")
	for _, c := range held {
		c.Close()
	}
	resp, err = (&zoomsim.Sender{URL: url, Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status, "served again once connections close")

	// 10,000 requests: valid ones mixed with bad signatures, stale
	// timestamps, oversized and malformed bodies.
	samples, err := zoomsim.LoadNotifications(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	type outcome struct{ want, got int }
	var mu sync.Mutex
	outcomes := map[string]outcome{}
	var valid []string
	tr := &http.Transport{MaxIdleConnsPerHost: 32}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var seq atomic.Int64
	var wg sync.WaitGroup
	big := []byte(`{"event":"meeting.started","pad":"` + strings.Repeat("x", 70<<10) + `"}`)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			good := &zoomsim.Sender{URL: url, Secret: secret, Client: client}
			forged := &zoomsim.Sender{URL: url, Secret: "forged", Client: client}
			stale := &zoomsim.Sender{URL: url, Secret: secret, Client: client, Now: func() time.Time { return time.Now().Add(-time.Hour) }}
			for {
				n := seq.Add(1)
				if n > 10_000 {
					return
				}
				body := samples[int(n)%len(samples)].Nth(n)
				key := strconv.FormatInt(n, 10)
				var s *zoomsim.Sender
				want := 200
				switch n % 5 {
				case 0:
					s = good
				case 1:
					s, want = forged, 401
				case 2:
					s, want = stale, 401
				case 3:
					s, want, body = good, 413, big
				case 4:
					s, want, body = good, 400, body[:len(body)/2]
				}
				resp, err := s.Send(context.Background(), body)
				got := 0
				if err == nil {
					got = resp.Status
				}
				mu.Lock()
				outcomes[key] = outcome{want, got}
				if want == 200 {
					valid = append(valid, contract.DeliveryID(body))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	wrong := 0
	for key, o := range outcomes {
		if o.want != o.got {
			wrong++
			if wrong < 10 {
				t.Errorf("request %s: got %d, want %d", key, o.got, o.want)
			}
		}
	}
	assert.Zero(t, wrong, "every request gets its answer")
	require.Len(t, valid, 2000)
	docs := fb.docs()
	counts := countByID(docs)
	for _, id := range valid {
		assert.Equal(t, 1, counts[id], "valid delivery %s", id)
	}
	sampleID := contract.DeliveryID(sample(t))
	others := 0
	for id, n := range counts {
		if id != sampleID {
			others += n
		}
	}
	assert.Equal(t, 2000, others, "nothing but the valid deliveries is written")
	after := rssOf(t, fb.cmd.Process.Pid)
	t.Logf("RSS before %d MiB, after %d MiB", before>>20, after>>20)
	assert.Less(t, after-before, int64(150<<20), "memory stays bounded")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}
