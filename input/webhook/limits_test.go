// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// stall opens a connection to addr that declares a body of declared bytes,
// sends sent of them and then waits; closing the returned conn ends it.
func stall(t *testing.T, addr string, declared, sent int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = fmt.Fprintf(c, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", declared)
	require.NoError(t, err)
	if sent > 0 {
		_, err = c.Write([]byte(`{"event":"` + strings.Repeat("a", sent-10)))
		require.NoError(t, err)
	}
	return c
}

// readAnswer reads the HTTP answer on c, within d.
func readAnswer(t *testing.T, c net.Conn, d time.Duration) *http.Response {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(d)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// answerMessage is the message of a JSON answer read by readAnswer.
func answerMessage(t *testing.T, resp *http.Response) string {
	t.Helper()
	var answer map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer), "the answer is a JSON object")
	return answer["message"]
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Bodies whose signature cannot be checked yet hold memory: their bytes come
// from max_inflight_bytes, large bodies may fill only three quarters of it,
// and a request past it is answered 503 at once and its connection closed,
// while Zoom's small notifications are still served.
func TestInflightBytesBudget(t *testing.T) {
	hs := newHarness(t, func(c *config) {
		c.MaxBodyBytes = 256 << 10
		c.MaxInflightBytes = 960 << 10 // three quarters (720 KiB): room for two buffers of 256 KiB, not three
	})
	addr := strings.TrimPrefix(hs.url, "http://")
	var released atomic.Int32
	hs.h.budget.release = func() { released.Add(1) }

	// A declared length alone reserves no more than a first small buffer
	// (the server hands the body over once its first 8 KiB are in).
	idle := stall(t, addr, 256<<10, 10<<10)
	waitFor(t, func() bool { return hs.h.budget.used.Load() > 0 }, "the first buffer")
	assert.LessOrEqual(t, hs.h.budget.used.Load(), int64(16<<10+1))
	idle.Close()
	waitFor(t, func() bool { return hs.h.budget.used.Load() == 0 }, "the budget back")

	// Large bodies fill three quarters of the budget, then get 503.
	var held []net.Conn
	for range 2 {
		held = append(held, stall(t, addr, 256<<10, 200<<10))
	}
	waitFor(t, func() bool { return hs.h.budget.used.Load() >= 2*(256<<10) }, "two large bodies read as far as they go")
	over := stall(t, addr, 256<<10, 200<<10)
	resp := readAnswer(t, over, 2*time.Second)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close")
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.LessOrEqual(t, hs.h.budget.used.Load(), int64(720<<10), "never past three quarters for large bodies")
	assert.EqualValues(t, 1, hs.m.overBudget.Get())

	// A signed notification of the usual size is still served.
	start := time.Now()
	ok := hs.send(sampleBody)
	assert.Equal(t, http.StatusOK, ok.Status, "%s", ok.Body)
	assert.Less(t, time.Since(start), time.Second)

	// The burst over, the budget is whole again and memory is given back.
	for _, c := range held {
		c.Close()
	}
	waitFor(t, func() bool { return hs.h.budget.used.Load() == 0 }, "the budget back")
	waitFor(t, func() bool { return released.Load() == 1 }, "memory given back")
}

func TestBudgetTiers(t *testing.T) {
	b := newBodyBudget(1000, 0)
	assert.True(t, b.take(700, smallBodyBytes+1))
	assert.False(t, b.take(100, smallBodyBytes+1), "large bodies stop at 750")
	assert.True(t, b.take(300, 100), "small bodies may use the rest")
	assert.False(t, b.take(1, 100))
	b.give(1000)
	assert.Zero(t, b.used.Load())
}

// One source address holds at most its share; what it gives back is its
// own, and another source keeps the rest of the budget.
func TestBudgetSourceShares(t *testing.T) {
	b := newBodyBudget(1000, 400)
	one, other := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	assert.Equal(t, budgetOK, b.takeFrom(one, 300, 100))
	assert.Equal(t, budgetSourceFull, b.takeFrom(one, 200, 100), "past its share")
	assert.EqualValues(t, 300, b.used.Load(), "a refused take holds nothing")
	assert.Equal(t, budgetOK, b.takeFrom(other, 400, 100))
	assert.Equal(t, budgetOK, b.takeFrom(netip.MustParseAddr("192.0.2.3"), 300, 100))
	assert.Equal(t, budgetFull, b.takeFrom(netip.MustParseAddr("192.0.2.4"), 1, 100), "the whole budget")
	assert.Len(t, b.sources, 3)
	b.giveFrom(one, 300)
	assert.Equal(t, budgetOK, b.takeFrom(one, 300, 100), "its share back")
	for _, a := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
		b.giveFrom(netip.MustParseAddr(a), b.sources[netip.MustParseAddr(a)])
	}
	assert.Zero(t, b.used.Load())
	assert.Empty(t, b.sources, "no memory for sources gone")
}

// Idle keep-alive connections once filled max_connections and made a valid
// request wait until the client hung up (Zoom gives up after 3 s). At the
// cap, the longest-idle connection now makes room.
func TestIdleConnectionsMakeRoomAtTheCap(t *testing.T) {
	r := runInput(t, map[string]any{"max_connections": 20})
	defer r.stop(t)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	var idle []net.Conn
	for i := range 20 {
		c, err := net.Dial("tcp", r.addr)
		require.NoError(t, err)
		defer c.Close()
		req, err := sender.Request(context.Background(), []byte(fmt.Sprintf(`{"event":"meeting.started","event_ts":%d,"payload":{}}`, i)))
		require.NoError(t, err)
		require.NoError(t, req.Write(c))
		assert.Equal(t, http.StatusOK, readAnswer(t, c, 2*time.Second).StatusCode)
		idle = append(idle, c) // kept open: an idle keep-alive connection
		if i == 0 {
			// net/http marks a connection idle just after writing its
			// answer, which the client may read first: without a margin
			// the next connection can turn idle before this one, and be
			// the oldest (a flake under -race on a loaded machine).
			time.Sleep(50 * time.Millisecond)
		}
	}
	start := time.Now()
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := sender.Request(context.Background(), sampleBody)
	require.NoError(t, err)
	resp, err := zoomsim.Do(client, req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.Status)
	assert.Less(t, time.Since(start), time.Second)
	assert.EqualValues(t, 1, r.reg.Get("idle_connections_closed_total").(interface{ Get() uint64 }).Get())

	// The oldest idle connection was the one closed.
	require.NoError(t, idle[0].SetReadDeadline(time.Now().Add(time.Second)))
	_, err = idle[0].Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
}

// Busy connections are not closed to make room: with the cap full of
// requests in progress, a new one waits for a place.
func TestBusyConnectionsAreNotEvicted(t *testing.T) {
	r := runInput(t, map[string]any{"max_connections": 3})
	defer r.stop(t)
	var busy []net.Conn
	for range 3 {
		busy = append(busy, stall(t, r.addr, 1000, 100))
	}
	defer func() { // before stop, which waits for requests in progress
		for _, c := range busy {
			c.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	done := make(chan int, 1)
	go func() {
		resp, err := sender.Send(context.Background(), sampleBody)
		if err == nil {
			done <- resp.Status
		}
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("a busy connection was closed to make room")
	case <-time.After(300 * time.Millisecond):
	}
	busy[0].Close()
	select {
	case status := <-done:
		assert.Equal(t, http.StatusOK, status)
	case <-time.After(3 * time.Second):
		t.Fatal("the request did not get the freed place")
	}
}

// Headers over max_header_bytes are refused before the handler, with a JSON
// message naming the setting, and the connection is closed gracefully: the
// answer is followed by the end of the stream, not a reset, and the rest of
// the headers the client is still sending is read (a reset would fail the
// client's write, and may lose the answer).
func TestOversizedHeadersGet431(t *testing.T) {
	r := runInput(t, map[string]any{"max_header_bytes": "1KiB"})
	defer r.stop(t)
	c, err := net.Dial("tcp", r.addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST /zoom HTTP/1.1\r\nHost: x\r\nX-Padding: "+strings.Repeat("p", 2<<10))
	require.NoError(t, err)
	resp := readAnswer(t, c, 3*time.Second)
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close")
	assert.Contains(t, answerMessage(t, resp), "max_header_bytes 1024")
	assertClosedGracefully(t, c)
}

// assertClosedGracefully reads, after an answer read from c, the end of the
// server's stream (EOF, not a reset connection), then sends more, as a
// client still sending its request would: the server reads it on.
func assertClosedGracefully(t *testing.T, c net.Conn) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Second)))
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "the answer is followed by the end of the stream")
	for range 2 { // a write to a closed connection fails the next time
		_, err = c.Write(bytes.Repeat([]byte("a"), 16<<10))
		assert.NoError(t, err, "what the client still sends is read, not refused")
		time.Sleep(50 * time.Millisecond)
	}
}

// Requests that fail before the handler are answered by serverError, in
// JSON like every other answer, and their connection is closed gracefully: a
// request that is not HTTP, and one whose headers do not arrive within
// read_timeout. So is one whose body does not (answered by the handler).
func TestServerErrorsAreJSON(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.ReadTimeout = 300 * time.Millisecond })
	addr := strings.TrimPrefix(hs.url, "http://")
	for _, tc := range []struct {
		name, wire string
		status     int
		msg        string
	}{
		{"not HTTP", "GARBAGE\r\n\r\n", http.StatusBadRequest, "malformed HTTP request"},
		{"headers too slow", "POST /zoom HTTP/1.1\r\nHost: x\r\nX-Slow: ", http.StatusRequestTimeout, "read_timeout 300ms"},
		{"body too slow", "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n{\"event\":\"" + strings.Repeat("a", 10<<10), http.StatusRequestTimeout, "body not received within read_timeout 300ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, tc.wire)
			require.NoError(t, err)
			resp := readAnswer(t, c, 3*time.Second)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.True(t, resp.Close, "Connection: close")
			assert.Contains(t, answerMessage(t, resp), tc.msg)
			assertClosedGracefully(t, c)
		})
	}
}

// A multipart Content-Type does not make the server parse the body as a
// form (fasthttp would, spooling files to disk): the handler gets the body
// as sent, and a signed notification is accepted whatever its Content-Type.
func TestMultipartBodyIsNotParsed(t *testing.T) {
	hs := newHarness(t, nil)
	req := hs.signed(sampleBody)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=zzz")
	resp := hs.do(req)
	assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.Len(t, hs.pipe.Events(), 1)
}

// A refused body gets its answer at once; the connection is closed
// gracefully, and the rest of the body is read on for at most drainBytes and
// drainTime, so that a client still sending it can read the answer, then the
// connection is cut: a trickle at drainTime, a flood at drainBytes.
func TestRefusedBodyIsDrainedBriefly(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.MaxBodyBytes = 64 << 10 })
	addr := strings.TrimPrefix(hs.url, "http://")

	// Declared over max_body_bytes, 10 KiB sent, then the rest in pieces.
	start := time.Now()
	c := stall(t, addr, 1<<20, 10<<10)
	resp := readAnswer(t, c, 5*time.Second)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close")
	assert.Less(t, time.Since(start), drainTime/2, "the answer does not wait for the rest of the body")
	assertClosedGracefully(t, c)
	piece := bytes.Repeat([]byte("a"), 1<<10)
	var cut time.Duration
	for cut == 0 && time.Since(start) < drainTime+2*time.Second {
		if _, err := c.Write(piece); err != nil {
			cut = time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	assert.GreaterOrEqual(t, cut, drainTime-100*time.Millisecond, "the rest of the body was read for drainTime")
	assert.Less(t, cut, drainTime+time.Second, "and no longer")

	// A client that floods after the answer is cut after drainBytes, long
	// before drainTime.
	c3 := stall(t, addr, 1<<20, 10<<10)
	assert.Equal(t, http.StatusRequestEntityTooLarge, readAnswer(t, c3, 5*time.Second).StatusCode)
	flood := bytes.Repeat([]byte("a"), 64<<10)
	start = time.Now()
	sent := 0
	for time.Since(start) < drainTime+2*time.Second {
		require.NoError(t, c3.SetWriteDeadline(time.Now().Add(drainTime)))
		n, err := c3.Write(flood)
		sent += n
		if err != nil {
			break
		}
	}
	assert.Less(t, time.Since(start), drainTime/2, "a flood is cut at drainBytes, not drainTime")
	assert.GreaterOrEqual(t, sent, drainBytes, "after drainBytes were read")

	// A client that sends the whole refused body (under drainBytes) before
	// reading reads its answer, not a reset connection.
	big := bytes.Repeat([]byte("x"), 200<<10)
	c2, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c2.Close()
	_, err = fmt.Fprintf(c2, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(big), big)
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, readAnswer(t, c2, 5*time.Second).StatusCode)
	assertClosedGracefully(t, c2)
}
