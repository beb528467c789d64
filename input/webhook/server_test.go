// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startServer serves h as the input does (newServer) on a loopback port, and
// returns its base URL; the test's end shuts it down.
func startServer(t testing.TB, cfg config, h *handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln, limiter := wrapListener(ln, cfg, nil, nil, nil)
	srv := newServer(cfg, h, limiter, h.log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		// A connection the client dialed and never used counts as busy for
		// its first 5 s; the test need not wait for it, as the listener
		// closes at once.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_ = srv.ShutdownWithContext(ctx)
		<-served
	})
	return "http://" + ln.Addr().String()
}

// serveInProcess has h answer req without a server or a connection, and
// without fasthttp: the handler's own request value (plainRequest), as the
// fuzz target and the benchmark use it; the request is whole, not streamed.
func serveInProcess(h *handler, req *http.Request) (status int, body []byte) {
	r := &plainRequest{req: req, started: time.Now()}
	if req.Body != nil {
		r.body, _ = io.ReadAll(req.Body)
	}
	a := h.handle(r)
	return a.status, a.body.marshal()
}

// plainRequest is a request of net/http's, whole, as the handler reads it.
type plainRequest struct {
	req     *http.Request
	body    []byte
	started time.Time
}

func (r *plainRequest) Header(name string) []byte {
	if v := r.req.Header.Values(name); len(v) > 0 {
		return []byte(v[0])
	}
	return nil
}

func (r *plainRequest) HeaderAll(name string) [][]byte {
	var out [][]byte
	for _, v := range r.req.Header.Values(name) {
		out = append(out, []byte(v))
	}
	return out
}

func (r *plainRequest) Method() []byte          { return []byte(r.req.Method) }
func (r *plainRequest) Target() []byte          { return []byte(r.req.URL.RequestURI()) }
func (r *plainRequest) ContentLength() int64    { return int64(len(r.body)) }
func (r *plainRequest) ContentEncoding() []byte { return r.Header("Content-Encoding") }
func (r *plainRequest) Started() time.Time      { return r.started }
func (r *plainRequest) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 40000}
}
func (r *plainRequest) Body() (io.Reader, bool)         { return bytes.NewReader(r.body), false }
func (r *plainRequest) Early() (int, string, bool)      { return 0, "", false }
func (r *plainRequest) CloseAfterAnswer()               {}
func (r *plainRequest) SetReadDeadline(time.Time) error { return nil }
