// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
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
// max_connections, from four addresses) each send max_body_bytes - 1 of a body and stall. Such
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
	for i := range attackers {
		attacking.Add(1)
		go func() {
			defer attacking.Done()
			// Four addresses, each with its share of max_connections.
			c, err := dialerFrom(fmt.Sprintf("127.0.0.%d", 2+i%4)).Dial("tcp", addr)
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

	// Zoom's deliveries meanwhile, from another address.
	sender := &zoomsim.Sender{URL: url, Secret: secret, Client: clientFrom(zoomSource, 3*time.Second)}
	samples, err := zoomsim.LoadNotifications(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	slowest := deliverEach(t, sender, samples, 0, 150*time.Millisecond)
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

// deliverEach sends 20 signed notifications (the samples' nth from first
// on), gap apart, each of which must be answered 200 within a second, and
// returns the slowest answer.
func deliverEach(t *testing.T, sender *zoomsim.Sender, samples []zoomsim.Notification, first int, gap time.Duration) time.Duration {
	t.Helper()
	var slowest time.Duration
	for i := range 20 {
		time.Sleep(gap)
		start := time.Now()
		resp, err := sender.Send(context.Background(), samples[i%len(samples)].Nth(int64(first+i)))
		took := time.Since(start)
		slowest = max(slowest, took)
		if assert.NoError(t, err, "delivery %d", i) {
			assert.Equal(t, http.StatusOK, resp.Status, "delivery %d: %s", i, resp.Body)
		}
		assert.Less(t, took, time.Second, "delivery %d", i)
	}
	return slowest
}

// zoomSource is the address Zoom's deliveries come from in the tests that
// attack from others; Linux routes all of 127.0.0.0/8 to the loopback.
const zoomSource = "127.0.0.9"

// dialerFrom dials from the local address from.
func dialerFrom(from string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 3 * time.Second}
}

// clientFrom is an HTTP client that sends from the local address from, one
// connection per request.
func clientFrom(from string, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true, DialContext: dialerFrom(from).DialContext}}
}

// stalledRequest is the start of a request that never ends, of one of the
// shapes an unauthenticated sender can hold the listener with: a body of
// any declared size sent in part (past fasthttp's 8 KiB read-ahead, or
// within it), an unfinished gzip body, or a request line trickled one byte.
func stalledRequest(shape int, zeros []byte) []byte {
	var b bytes.Buffer
	switch shape % 5 {
	case 0: // under 64 KiB, past the read-ahead: the body is reserved whole
		fmt.Fprintf(&b, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: 65535\r\n\r\n{\"event\":\"%s", strings.Repeat("a", 8193))
	case 1: // within the read-ahead
		fmt.Fprintf(&b, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n{\"event\":\"aaaa", 100+shape%4000)
	case 2: // a large body, a part of it
		fmt.Fprintf(&b, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n{\"event\":\"%s", 1<<20-1, strings.Repeat("a", 20<<10))
	case 3: // gzip that expands, unfinished: charged by what it decodes to
		fmt.Fprintf(&b, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(zeros)+1000)
		b.Write(zeros)
	default: // a request line, one byte
		b.WriteString("P")
	}
	return b.Bytes()
}

// TestUnauthenticatedSourcesCannotLockZoomOut: two attacking addresses keep
// 2,000 connections open for 30 s, each holding a stalled request of every
// shape (bodies of every size, gzip, request lines), and open new ones as
// the listener closes theirs. Meanwhile 20 signed deliveries from a third
// address are all answered 200 within a second, and the process's peak RSS
// stays under 150 MiB. Before the per-source shares, 260 such connections
// made every delivery 503.
func TestUnauthenticatedSourcesCannotLockZoomOut(t *testing.T) {
	port := freePort(t)
	fb, url := startFilebeat(t, webhookConfig(port, "    processors: [{zoom: ~}]")+fileOutputConfig(), "ZOOM_SECRET_TOKEN="+secret)
	addr := strings.TrimPrefix(strings.TrimSuffix(url, "/zoom"), "http://")
	pid := fb.cmd.Process.Pid

	// A gzip stream of 1 MiB of zeros, cut short: about 1 KiB on the wire.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(bytes.Repeat([]byte{'0'}, 1<<20))
	_ = zw.Close()
	zeros := gz.Bytes()[:gz.Len()/2]

	const perAddress, hold = 1000, 30 * time.Second
	stop := make(chan struct{})
	var attacking sync.WaitGroup
	var opened, cut atomic.Int64
	for i := range 2 * perAddress {
		attacking.Add(1)
		go func() {
			defer attacking.Done()
			dialer := dialerFrom(fmt.Sprintf("127.0.0.%d", 2+i%2))
			for shape := i; ; shape += 2 * perAddress {
				select {
				case <-stop:
					return
				default:
				}
				c, err := dialer.Dial("tcp", addr)
				if err == nil {
					opened.Add(1)
					_, err = c.Write(stalledRequest(shape, zeros))
					if err == nil {
						// Hold it until the listener answers or closes it.
						done := make(chan struct{})
						go func() {
							_, _ = io.Copy(io.Discard, c)
							close(done)
						}()
						select {
						case <-stop:
						case <-done:
							cut.Add(1)
						}
					}
					c.Close()
				}
				select { // then open another
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}()
	}

	sender := &zoomsim.Sender{URL: url, Secret: secret, Client: clientFrom(zoomSource, 3*time.Second)}
	samples, err := zoomsim.LoadNotifications(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	time.Sleep(2 * time.Second) // the attack is under way
	slowest := deliverEach(t, sender, samples, 1000, (hold-2*time.Second)/21)
	peak := peakRSSOf(t, pid)
	close(stop)
	attacking.Wait()
	t.Logf("peak RSS %d MiB; attackers opened %d connections, %d answered or closed by the listener; slowest delivery %v",
		peak>>20, opened.Load(), cut.Load(), slowest)
	assert.Less(t, peak, int64(150<<20), "peak RSS")
	assert.Greater(t, opened.Load(), int64(2*perAddress), "the attackers kept opening connections")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// TestSlowTLSHandshakesAreNotEvicted: at max_connections, senders whose
// ClientHello comes 0.4 s after their connect (a sender far away, a slow
// TLS stack) are not closed as "idle": a connection that has sent nothing
// is spared for a second, and the senders that arrive meanwhile wait for a
// place. Every one of the 13 deliveries is answered 200; the code before
// closed 3 of them here (the hostile review saw 4 of 13).
func TestSlowTLSHandshakesAreNotEvicted(t *testing.T) {
	ssl, pool := listenerTLS(t)
	port := freePort(t)
	_, url := startFilebeat(t, webhookConfig(port, ssl+`
    max_connections: 10
`)+fileOutputConfig(), "ZOOM_SECRET_TOKEN="+secret)
	addr := strings.TrimPrefix(strings.TrimSuffix(url, "/zoom"), "https://")
	samples, err := zoomsim.LoadNotifications(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	slowHello := func(ctx context.Context, network, a string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, a)
		if err == nil {
			time.Sleep(400 * time.Millisecond) // connected, nothing sent yet
		}
		return c, err
	}
	var wg sync.WaitGroup
	statuses := make(chan int, 13)
	for i := range 13 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i%4) * 100 * time.Millisecond)
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
				DisableKeepAlives: true, DialContext: slowHello,
				TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
			}}
			resp, err := (&zoomsim.Sender{URL: "https://" + addr + "/zoom", Secret: secret, Client: client}).
				Send(context.Background(), samples[i%len(samples)].Nth(int64(2000+i)))
			if err != nil {
				t.Logf("delivery %d: %v", i, err)
				statuses <- 0
				return
			}
			statuses <- resp.Status
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for s := range statuses {
		if s == http.StatusOK {
			ok++
		}
	}
	assert.Equal(t, 13, ok, "every slow handshake is served")
}
