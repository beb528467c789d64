// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/valyala/fasthttp"
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

// serveInProcess has h answer req without a server or a connection, as the
// fuzz target and the benchmark do: the request is whole, not streamed.
func serveInProcess(h *handler, req *http.Request) (status int, body []byte) {
	var fr fasthttp.Request
	fr.Header.SetMethod(req.Method)
	fr.SetRequestURI(req.URL.RequestURI())
	for name, values := range req.Header {
		for _, v := range values {
			fr.Header.Add(name, v)
		}
	}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		fr.SetBody(b)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&fr, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 40000}, nil)
	h.handle(&ctx)
	return ctx.Response.StatusCode(), append([]byte(nil), ctx.Response.Body()...)
}
