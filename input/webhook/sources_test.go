// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// Attackers come from other loopback addresses than "Zoom"; Linux routes
// all of 127.0.0.0/8 to the loopback interface.
const (
	attackerAddr = "127.0.0.2"
	zoomAddr     = "127.0.0.9"
)

// dialFrom connects to addr from the local address from.
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// senderFrom is Zoom sending from the local address from, one connection
// per delivery.
func senderFrom(from, addr string) *zoomsim.Sender {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true, DialContext: d.DialContext}}
	return &zoomsim.Sender{URL: "http://" + addr + "/zoom", Secret: testSecret, Client: client}
}

// stallFrom is stall from another address.
func stallFrom(t *testing.T, from, addr string, declared, sent int) net.Conn {
	t.Helper()
	c := dialFrom(t, from, addr)
	_, err := fmt.Fprintf(c, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", declared)
	require.NoError(t, err)
	if sent > 0 {
		_, err = c.Write([]byte(`{"event":"` + strings.Repeat("a", sent-10)))
		require.NoError(t, err)
	}
	return c
}

// assertZoomServed: a signed delivery from zoomAddr is answered 200 within
// a second.
func assertZoomServed(t *testing.T, addr string) {
	t.Helper()
	start := time.Now()
	resp, err := senderFrom(zoomAddr, addr).Send(context.Background(), sampleBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.Status)
	assert.Less(t, time.Since(start), time.Second)
}

// servedKeepAlive opens n connections from zoomAddr, each of which serves
// one signed delivery and is kept open: idle keep-alive connections.
func servedKeepAlive(t *testing.T, addr string, n int) {
	t.Helper()
	sender := senderFrom(zoomAddr, addr)
	for i := range n {
		c := dialFrom(t, zoomAddr, addr)
		req, err := sender.Request(context.Background(), []byte(fmt.Sprintf(`{"event":"meeting.started","event_ts":%d,"payload":{}}`, i)))
		require.NoError(t, err)
		require.NoError(t, req.Write(c))
		assert.Equal(t, http.StatusOK, readAnswer(t, c, 2*time.Second).StatusCode)
	}
}

// closedAtOnce tells whether the server closed c without an answer.
func closedAtOnce(t *testing.T, c net.Conn) bool {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Second)))
	n, err := c.Read(make([]byte, 1))
	return n == 0 && err != nil && !isTimeout(err)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// One source address holds at most max_connections_per_source connections:
// its next one is closed at once, and another address is served.
func TestSourceShareOfConnections(t *testing.T) {
	r := runInput(t, map[string]any{"max_connections": 20, "max_connections_per_source": 5})
	defer r.stop(t)
	var held []net.Conn
	for range 5 {
		held = append(held, stallFrom(t, attackerAddr, r.addr, 1000, 100))
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	sixth := dialFrom(t, attackerAddr, r.addr)
	assert.True(t, closedAtOnce(t, sixth), "the source's sixth connection is closed")
	// The listener counts the refusal once it has closed the connection,
	// which the client may see first.
	refused := func() uint64 { return r.reg.Get("connections_refused_total").(interface{ Get() uint64 }).Get() }
	require.Eventually(t, func() bool { return refused() >= 1 }, time.Second, time.Millisecond)
	assert.EqualValues(t, 1, refused())

	assertZoomServed(t, r.addr)
}

// A source at its share makes room from its own idle keep-alive
// connections rather than being refused.
func TestSourceAtItsShareReusesItsIdleConnections(t *testing.T) {
	r := runInput(t, map[string]any{"max_connections": 20, "max_connections_per_source": 2})
	defer r.stop(t)
	sender := senderFrom(zoomAddr, r.addr)
	servedKeepAlive(t, r.addr, 2)
	time.Sleep(2 * minIdleToEvict)
	resp, err := sender.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.Status)
	assert.EqualValues(t, 0, r.reg.Get("connections_refused_total").(interface{ Get() uint64 }).Get())
	assert.EqualValues(t, 1, r.reg.Get("idle_connections_closed_total").(interface{ Get() uint64 }).Get())
}

// One source address holds at most max_inflight_bytes_per_source of request
// bodies: past it, its next body gets 503 naming the setting, while another
// address is served.
func TestSourceShareOfTheBodyBudget(t *testing.T) {
	hs := newHarness(t, func(c *config) {
		c.MaxBodyBytes = 64 << 10
		c.MaxInflightBytes = 1 << 20
		c.MaxInflightBytesPerSource = 256 << 10
	})
	addr := strings.TrimPrefix(hs.url, "http://")
	const declared = 60000 // each reserves its whole body, 60,001 bytes
	for range 4 {
		stallFrom(t, attackerAddr, addr, declared, 9000)
	}
	waitFor(t, func() bool { return hs.h.budget.used.Load() >= 4*(declared+1) }, "four bodies held")
	fifth := stallFrom(t, attackerAddr, addr, declared, 9000)
	resp := readAnswer(t, fifth, 2*time.Second)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, answerMessage(t, resp), "max_inflight_bytes_per_source 262144")

	zoom := senderFrom(zoomAddr, addr)
	zoom.URL = hs.url + hs.cfg.URL
	got, err := zoom.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, got.Status)
}

// A body that stops coming once its headers are in gives its budget back
// within bodyStallTime, not read_timeout: 408 naming the stall.
func TestStalledBodyGivesItsBudgetBack(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.ReadTimeout = 10 * time.Second })
	addr := strings.TrimPrefix(hs.url, "http://")
	start := time.Now()
	c := stallFrom(t, attackerAddr, addr, 65535, 8193+100)
	waitFor(t, func() bool { return hs.h.budget.used.Load() > 0 }, "the body held")
	resp := readAnswer(t, c, 3*time.Second)
	took := time.Since(start)
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.Contains(t, answerMessage(t, resp), "body stalled")
	assert.GreaterOrEqual(t, took, bodyStallTime)
	assert.Less(t, took, bodyStallTime+time.Second)
	waitFor(t, func() bool { return hs.h.budget.used.Load() == 0 }, "the budget back")

	// A slow body that keeps coming is read to its end.
	slow := dialFrom(t, zoomAddr, addr)
	req := hs.signed(sampleBody)
	_, err := fmt.Fprintf(slow, "POST /zoom HTTP/1.1\r\nHost: x\r\n%s: %s\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		headerTimestamp, req.Header.Get(headerTimestamp), headerSignature, req.Header.Get(headerSignature), len(sampleBody))
	require.NoError(t, err)
	for _, b := range sampleBody {
		_, err = slow.Write([]byte{b})
		require.NoError(t, err)
		time.Sleep(time.Millisecond)
	}
	assert.Equal(t, http.StatusOK, readAnswer(t, slow, 3*time.Second).StatusCode)
}

// With allowed_networks, a connection from elsewhere is closed on accept.
func TestAllowedNetworks(t *testing.T) {
	r := runInput(t, map[string]any{"allowed_networks": []string{zoomAddr + "/32", "192.0.2.0/24"}})
	defer r.stop(t)
	assert.True(t, closedAtOnce(t, dialFrom(t, attackerAddr, r.addr)))
	resp, err := senderFrom(zoomAddr, r.addr).Send(context.Background(), sampleBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.Status)
	assert.EqualValues(t, 1, r.reg.Get("connections_refused_total").(interface{ Get() uint64 }).Get())
}

// A new connection that has not sent its first request (a sender far away,
// a slow TLS handshake) is not idle: at the cap, a keep-alive connection
// between requests is closed instead, and the new one is served.
func TestNewConnectionsAreNotIdle(t *testing.T) {
	r := runInput(t, map[string]any{"max_connections": 3})
	defer r.stop(t)
	sender := senderFrom(zoomAddr, r.addr)
	slow := dialFrom(t, zoomAddr, r.addr) // the oldest, silent for now
	servedKeepAlive(t, r.addr, 2)
	time.Sleep(400 * time.Millisecond)
	resp, err := sender.Send(context.Background(), sampleBody) // at the cap
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.Status)

	req, err := sender.Request(context.Background(), []byte(`{"event":"meeting.ended","event_ts":7,"payload":{}}`))
	require.NoError(t, err)
	require.NoError(t, req.Write(slow))
	assert.Equal(t, http.StatusOK, readAnswer(t, slow, 2*time.Second).StatusCode, "the silent connection was not evicted")
}

// At the cap, slow requests of the source holding the most connections
// (each one byte of a request line) make room: another source's delivery is
// served within a second.
func TestSlowRequestsOfACrowdingSourceMakeRoom(t *testing.T) {
	r := runInput(t, map[string]any{"max_connections": 40, "max_connections_per_source": 0})
	var attack []net.Conn
	defer func() { // before stop, which waits for requests in progress
		for _, c := range attack {
			c.Close()
		}
		r.stop(t)
	}()
	for range 40 {
		c := dialFrom(t, attackerAddr, r.addr)
		_, err := io.WriteString(c, "P")
		require.NoError(t, err)
		attack = append(attack, c)
	}
	time.Sleep(newConnGrace + 200*time.Millisecond) // the attack has held them a while
	assertZoomServed(t, r.addr)
}

// A request's line and headers must be in within header_timeout of its
// first byte, also on a keep-alive connection after a first request: slow
// requests one after another cannot keep a connection busy for
// read_timeout each.
func TestHeaderTimeout(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.HeaderTimeout = 500 * time.Millisecond })
	addr := strings.TrimPrefix(hs.url, "http://")

	start := time.Now()
	c := dialFrom(t, attackerAddr, addr)
	_, err := io.WriteString(c, "POST /zoom HTTP/1.1\r\nHost: x\r\n")
	require.NoError(t, err)
	resp := readAnswer(t, c, 3*time.Second)
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.Contains(t, answerMessage(t, resp), "header_timeout 500ms")
	assert.Less(t, time.Since(start), 1500*time.Millisecond, "not read_timeout")
	assertClosedGracefully(t, c)

	// Keep-alive: a request served, then one trickled a byte at a time.
	k := dialFrom(t, attackerAddr, addr)
	_, err = io.WriteString(k, "GET /zoom HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	assert.Equal(t, http.StatusMethodNotAllowed, readAnswer(t, k, 2*time.Second).StatusCode)
	start = time.Now()
	go func() {
		for _, b := range []byte("POST /zoom HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") {
			if _, err := k.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	resp = readAnswer(t, k, 3*time.Second)
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.Less(t, time.Since(start), 1500*time.Millisecond)

	// Headers sent in pieces within the time are served.
	req := hs.signed(sampleBody)
	p := dialFrom(t, zoomAddr, addr)
	head := fmt.Sprintf("POST /zoom HTTP/1.1\r\nHost: x\r\n%s: %s\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		headerTimestamp, req.Header.Get(headerTimestamp), headerSignature, req.Header.Get(headerSignature), len(sampleBody))
	for i := 0; i < len(head); i += len(head) / 4 {
		_, err = io.WriteString(p, head[i:min(i+len(head)/4, len(head))])
		require.NoError(t, err)
		time.Sleep(50 * time.Millisecond)
	}
	_, err = p.Write(sampleBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, readAnswer(t, p, 3*time.Second).StatusCode)
}

// A body that trickles, never pausing for bodyStallTime, is cut once its
// average rate falls under minBodyRate: 408 naming the rate.
func TestTricklingBodyIsCut(t *testing.T) {
	hs := newHarness(t, nil)
	addr := strings.TrimPrefix(hs.url, "http://")
	c := stallFrom(t, attackerAddr, addr, 65535, 9000)
	start := time.Now()
	go func() {
		for range 40 {
			time.Sleep(bodyStallTime / 2)
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
		}
	}()
	resp := readAnswer(t, c, 10*time.Second)
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.Contains(t, answerMessage(t, resp), "under the minimum of 4096")
	assert.Less(t, time.Since(start), 5*time.Second, "well before read_timeout")
	waitFor(t, func() bool { return hs.h.budget.used.Load() == 0 }, "the budget back")
}
