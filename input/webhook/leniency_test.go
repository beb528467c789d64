// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawExchange writes wire to a new connection to addr and reads the answer.
func rawExchange(t *testing.T, addr, wire string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, wire)
	require.NoError(t, err)
	return readAnswer(t, c, 3*time.Second)
}

// signedWire is a signed delivery of body as raw HTTP/1.1 headers, with
// extra header lines; the body is not included.
func signedWire(t *testing.T, hs *harness, body []byte, extra string) string {
	t.Helper()
	req := hs.signed(body)
	return fmt.Sprintf("POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%s: %s\r\n%s: %s\r\n%s",
		headerTimestamp, req.Header.Get(headerTimestamp), headerSignature, req.Header.Get(headerSignature), extra)
}

// After an idle spell on a keep-alive connection longer than write_timeout,
// an error answered before the handler (a malformed request, headers over
// max_header_bytes) is still written, as JSON: fasthttp wrote it under the
// write deadline of the previous answer, and the client saw EOF.
func TestErrorAnswersAfterAnIdleSpell(t *testing.T) {
	hs := newHarness(t, func(c *config) {
		c.WriteTimeout = 500 * time.Millisecond
		c.IdleTimeout = 10 * time.Second
		c.MaxHeaderBytes = 1 << 10
	})
	addr := strings.TrimPrefix(hs.url, "http://")
	for _, tc := range []struct {
		name, wire string
		status     int
	}{
		{"malformed", "GARBAGE\r\n\r\n", http.StatusBadRequest},
		{"headers too large", "POST /zoom HTTP/1.1\r\nHost: x\r\nX-Padding: " + strings.Repeat("p", 2<<10), http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, "GET /zoom HTTP/1.1\r\nHost: x\r\n\r\n")
			require.NoError(t, err)
			br := bufio.NewReader(c)
			first, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, first.Body)
			assert.Equal(t, http.StatusMethodNotAllowed, first.StatusCode)
			time.Sleep(2 * hs.cfg.WriteTimeout)
			_, err = io.WriteString(c, tc.wire)
			require.NoError(t, err)
			require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err, "the answer is written, not an EOF")
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		})
	}
}

// A body shorter than its Content-Length, the sender's stream ending early,
// is no HTTP request: 400, and nothing published, although it is signed.
func TestBodyShorterThanItsContentLengthIs400(t *testing.T) {
	hs := newHarness(t, nil)
	addr := strings.TrimPrefix(hs.url, "http://")
	body := []byte(`{"event":"meeting.started","event_ts":1732435200123,"payload":{"object":{"topic":"` + strings.Repeat("t", 20<<10) + `"}}}`)
	c, err := net.DialTCP("tcp", nil, mustTCPAddr(t, addr))
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, signedWire(t, hs, body, fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)+1000))+string(body))
	require.NoError(t, err)
	require.NoError(t, c.CloseWrite())
	resp := readAnswer(t, c, 3*time.Second)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, answerMessage(t, resp), fmt.Sprintf("body ended after %d of its Content-Length %d bytes", len(body), len(body)+1000))
	assert.Empty(t, hs.pipe.Events())
}

func mustTCPAddr(t *testing.T, addr string) *net.TCPAddr {
	t.Helper()
	a, err := net.ResolveTCPAddr("tcp", addr)
	require.NoError(t, err)
	return a
}

// A declared body over max_body_bytes is answered 413 at once, on its
// headers alone (it waited read_timeout for a body, then got 408).
func TestDeclaredBodyOverTheLimitIsRefusedOnItsHeaders(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.MaxBodyBytes = 64 << 10 })
	addr := strings.TrimPrefix(hs.url, "http://")
	start := time.Now()
	c := stall(t, addr, 1<<20, 0)
	resp := readAnswer(t, c, 5*time.Second)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Less(t, time.Since(start), time.Second, "answered on the headers")
	assert.Contains(t, answerMessage(t, resp), "body of 1048576 bytes is over max_body_bytes 65536")
	assert.True(t, resp.Close)
	assertClosedGracefully(t, c)
}

// Expect: 100-continue gets the final status, not 100 Continue, for a body
// it would refuse and for a path or method it does not serve; a request it
// serves gets 100 Continue, then its answer.
func TestExpectContinueGetsTheFinalStatusOfARefusal(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.MaxBodyBytes = 64 << 10 })
	addr := strings.TrimPrefix(hs.url, "http://")
	for _, tc := range []struct {
		name, line string
		length     int
		status     int
	}{
		{"body over max_body_bytes", "POST /zoom", 5 << 20, http.StatusRequestEntityTooLarge},
		{"wrong path", "POST /other", 100, http.StatusNotFound},
		{"wrong method", "PUT /zoom", 100, http.StatusMethodNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := rawExchange(t, addr, fmt.Sprintf("%s HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", tc.line, tc.length))
			assert.Equal(t, tc.status, resp.StatusCode, "the final status, not 100 Continue")
			assert.NotEmpty(t, answerMessage(t, resp))
			assert.True(t, resp.Close)
		})
	}

	// A request it serves: 100 Continue, then the body, then 200.
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, signedWire(t, hs, sampleBody, fmt.Sprintf("Expect: 100-continue\r\nContent-Length: %d\r\n\r\n", len(sampleBody))))
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	_, err = br.ReadString('\n') // the blank line after it
	require.NoError(t, err)
	_, err = c.Write(sampleBody)
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, hs.pipe.Events(), 1)
}

// The leniencies the hostile review found are closed: each is refused with
// a JSON message, and nothing is published.
func TestLeniencies(t *testing.T) {
	hs := newHarness(t, nil)
	addr := strings.TrimPrefix(hs.url, "http://")
	signedBody := func(path, proto string) string {
		return strings.Replace(signedWire(t, hs, sampleBody, fmt.Sprintf("Content-Length: %d\r\n\r\n", len(sampleBody))),
			"POST /zoom HTTP/1.1", "POST "+path+" "+proto, 1) + string(sampleBody)
	}
	for _, tc := range []struct {
		name, wire string
		status     int
		msg        string
	}{
		{"HTTP/2.0 request line", signedBody("/zoom", "HTTP/2.0"), http.StatusHTTPVersionNotSupported, "HTTP/2.0 is not supported"},
		{"HTTP/9.9 request line", signedBody("/zoom", "HTTP/9.9"), http.StatusHTTPVersionNotSupported, "HTTP/9.9 is not supported"},
		{"double slash", signedBody("//zoom", "HTTP/1.1"), http.StatusNotFound, "no Zoom webhook endpoint at //zoom"},
		{"escaped letter", signedBody("/%7Aoom", "HTTP/1.1"), http.StatusNotFound, "no Zoom webhook endpoint at /%7Aoom"},
		{"escaped dot segment", signedBody("/..%2fzoom", "HTTP/1.1"), http.StatusNotFound, "no Zoom webhook endpoint at /..%2fzoom"},
		{"header name with a space", "POST /zoom HTTP/1.1\r\nHost: x\r\nBad Name: v\r\nContent-Length: 2\r\n\r\n{}", http.StatusBadRequest, `header name "Bad Name" is not an HTTP token`},
		{"a sender's own early-refusal header", "POST /zoom HTTP/1.1\r\nHost: x\r\n" + earlyRefusalHeader + ": 200 ok\r\nContent-Length: 2\r\n\r\n{}", http.StatusUnauthorized, "missing x-zm-request-timestamp"},
		{"signature in chunked trailers", "POST /zoom HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: " + headerTimestamp + ", " + headerSignature + "\r\n\r\n" +
			fmt.Sprintf("%x\r\n%s\r\n0\r\n", len(sampleBody), sampleBody) + trailers(t, hs) + "\r\n", http.StatusUnauthorized, "missing x-zm-request-timestamp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := rawExchange(t, addr, tc.wire)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Contains(t, answerMessage(t, resp), tc.msg)
		})
	}
	assert.Empty(t, hs.pipe.Events())

	// The path as configured, with a query, is still served.
	resp := rawExchange(t, addr, signedBody("/zoom?source=zoom", "HTTP/1.1"))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// trailers are the signature headers of sampleBody as chunked trailers.
func trailers(t *testing.T, hs *harness) string {
	t.Helper()
	req := hs.signed(sampleBody)
	return fmt.Sprintf("%s: %s\r\n%s: %s\r\n", headerTimestamp, req.Header.Get(headerTimestamp), headerSignature, req.Header.Get(headerSignature))
}
