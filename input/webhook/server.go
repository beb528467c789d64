// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/valyala/fasthttp"
)

// This file is the listener's only contact with fasthttp: the server and
// its limits, the refusals made on a request's headers, the graceful close,
// the answers written before the handler, and serveFastHTTP, which turns a
// request into the handler's own request value and writes its answer. The
// signature check, the body budget, the decoding and the event building
// (handler.go) see no fasthttp type.

// wrapListener puts the connection limiter (allowed_networks,
// max_connections_per_source, max_connections), the graceful close of
// closeAfterAnswer and TLS (if tlsCfg is not nil) on ln, in that order.
// evicted counts the connections the limiter closes to make room, refused
// the new ones it closes (nil: not counted).
func wrapListener(ln net.Listener, cfg config, tlsCfg *tls.Config, evicted, refused func()) (net.Listener, *connLimiter) {
	limiter := newConnLimiter(ln, cfg, evicted, refused)
	ln = lingerListener{limiter}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	return ln, limiter
}

// newServer is the listener's HTTP server. fasthttp rather than net/http:
// under load, net/http's own reading and answering took about a quarter of
// Filebeat's CPU per request (docs/performance.md). It reads a request's
// line and headers into a buffer of max_header_bytes, answers errors before
// the handler as JSON (serverError), and streams bodies to the handler,
// which reads them within max_body_bytes and max_inflight_bytes.
func newServer(cfg config, h *handler, limiter *connLimiter, log *logp.Logger) *fasthttp.Server {
	srv := &fasthttp.Server{
		Handler:      func(ctx *fasthttp.RequestCtx) { serveFastHTTP(h, ctx) },
		ErrorHandler: serverError(cfg),
		// A request refused on its headers is answered before its body.
		HeaderReceived: func(hdr *fasthttp.RequestHeader) fasthttp.RequestConfig {
			refuseEarly(h, hdr)
			return fasthttp.RequestConfig{}
		},
		// ReadTimeout bounds a request from its first byte (or the
		// connection's start) to its body's end, a stalled sender included.
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: cfg.WriteTimeout,
		IdleTimeout:  cfg.IdleTimeout,
		// The request line and headers must fit in the read buffer.
		ReadBufferSize: int(cfg.MaxHeaderBytes),
		// Bodies larger than this, and chunked ones, reach the handler
		// after at most 8 KiB: readBody reads the rest, counted against
		// max_inflight_bytes.
		MaxRequestBodySize: int(cfg.MaxBodyBytes),
		StreamRequestBody:  true,
		// A webhook is JSON: no multipart form is parsed (to temporary files).
		DisablePreParseMultipartForm: true,
		NoDefaultServerHeader:        true,
		// fasthttp's own log lines about a malformed request would quote
		// it, headers and all, and a header may hold secret.value.
		SecureErrorLogMessage: true,
		CloseOnShutdown:       true,
		Logger:                debugLogger{log},
	}
	if limiter != nil {
		srv.ConnState = func(c net.Conn, state fasthttp.ConnState) {
			switch state {
			case fasthttp.StateActive:
				limiter.stateChanged(c, connBusy)
			case fasthttp.StateIdle:
				limiter.stateChanged(c, connIdle)
			case fasthttp.StateClosed, fasthttp.StateHijacked:
				limiter.stateChanged(c, connGone)
			}
		}
	}
	return srv
}

// serverError answers, as JSON, a request that fails before the handler: its
// headers over max_header_bytes, read_timeout passed while it was read, or a
// request that is not HTTP/1.x. fasthttp closes the connection after it,
// gracefully (closeAfterAnswer): the client may still be sending. A
// body over max_body_bytes never ends here: with StreamRequestBody, fasthttp
// hands it to the handler, which answers 413 (readBody).
func serverError(cfg config) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		closeAfterAnswer(ctx)
		// fasthttp writes an error answer under the write deadline of the
		// connection's previous answer: on a keep-alive connection idle
		// longer than write_timeout, it would never go out.
		_ = ctx.Conn().SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
		var small *fasthttp.ErrSmallBuffer
		var ne net.Error
		switch {
		case errors.As(err, &small):
			writeJSON(ctx, http.StatusRequestHeaderFieldsTooLarge, message(fmt.Sprintf("request line and headers are over max_header_bytes %d", cfg.MaxHeaderBytes)))
		case errors.As(err, &ne) && ne.Timeout():
			if lc := limitedOf(ctx.Conn()); lc != nil && lc.headersLate(time.Now()) {
				lc.headersRead() // the graceful close reads on
				writeJSON(ctx, http.StatusRequestTimeout, message(fmt.Sprintf("request line and headers not received within header_timeout %v of the first byte", cfg.HeaderTimeout)))
				return
			}
			writeJSON(ctx, http.StatusRequestTimeout, message(fmt.Sprintf("request not received within read_timeout %v", cfg.ReadTimeout)))
		default:
			writeJSON(ctx, http.StatusBadRequest, message("malformed HTTP request: "+err.Error()))
		}
	}
}

// fastRequest is a request as the handler reads it (request), from
// fasthttp's.
type fastRequest struct{ ctx *fasthttp.RequestCtx }

func (r fastRequest) Header(name string) []byte         { return r.ctx.Request.Header.Peek(name) }
func (r fastRequest) HeaderAll(name string) [][]byte    { return r.ctx.Request.Header.PeekAll(name) }
func (r fastRequest) Method() []byte                    { return r.ctx.Request.Header.Method() }
func (r fastRequest) Target() []byte                    { return r.ctx.Request.Header.RequestURI() }
func (r fastRequest) ContentLength() int64              { return int64(r.ctx.Request.Header.ContentLength()) }
func (r fastRequest) ContentEncoding() []byte           { return r.ctx.Request.Header.ContentEncoding() }
func (r fastRequest) Started() time.Time                { return r.ctx.Time() }
func (r fastRequest) RemoteAddr() net.Addr              { return r.ctx.RemoteAddr() }
func (r fastRequest) CloseAfterAnswer()                 { closeAfterAnswer(r.ctx) }
func (r fastRequest) SetReadDeadline(t time.Time) error { return r.ctx.SetReadDeadline(t) }

// Body is the body as it streams from the connection (fromConn), or whole
// for a request made in-process (the benchmark's), which has no stream.
func (r fastRequest) Body() (body io.Reader, fromConn bool) {
	if s := r.ctx.RequestBodyStream(); s != nil {
		return s, true
	}
	return bytes.NewReader(r.ctx.Request.Body()), false
}

// Early is the answer refuseEarly chose on the request's headers, if any.
func (r fastRequest) Early() (status int, msg string, ok bool) {
	return earlyRefusal(&r.ctx.Request.Header)
}

// serveFastHTTP is the fasthttp server's handler: it serves one request on
// the connection's goroutine and answers it when it returns.
func serveFastHTTP(h *handler, ctx *fasthttp.RequestCtx) {
	if lc := limitedOf(ctx.Conn()); lc != nil {
		lc.headersRead()
	}
	defer recoverPanic(h, ctx)
	a := h.handle(fastRequest{ctx})
	for _, kv := range a.headers {
		ctx.Response.Header.Set(kv[0], kv[1])
	}
	writeJSON(ctx, a.status, a.body)
}

// recoverPanic turns a panic while serving into an error log line and a JSON
// 500; fasthttp does not recover a handler's panic, which would end the
// process. A 500 makes Zoom deliver the notification again later.
func recoverPanic(h *handler, ctx *fasthttp.RequestCtx) {
	v := recover()
	if v == nil {
		return
	}
	h.metrics.status(http.StatusInternalServerError)
	h.log.Errorw("Panic while serving a Zoom webhook request; answered 500", "panic", fmt.Sprint(v), "stack", string(debug.Stack()), "source.address", ctx.RemoteAddr().String())
	ctx.Response.Reset()
	ctx.Response.Header.Set("Retry-After", retryAfter)
	writeJSON(ctx, http.StatusInternalServerError, message("internal error while handling the notification; deliver again later"))
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v answer) {
	ctx.Response.Header.SetContentType("application/json")
	ctx.Response.Header.Set("X-Content-Type-Options", "nosniff")
	ctx.SetStatusCode(status)
	ctx.Response.SetBodyRaw(v.marshal())
}

// closeAfterAnswer closes the connection once the answer is written, and
// closes it gracefully (lingerConn.Close): used where the client may still
// be sending what the listener refused to read, the rest of a body over
// max_body_bytes or max_inflight_bytes, or headers over max_header_bytes.
// Closing a socket with unread bytes makes the kernel reset the connection:
// the client's writes then fail, and it may lose the answer before it reads
// it.
func closeAfterAnswer(ctx *fasthttp.RequestCtx) {
	ctx.SetConnectionClose()
	if lc := lingerOf(ctx.Conn()); lc != nil { // nil for a request made in-process
		lc.linger.Store(true)
	}
}

// earlyRefusalHeader carries, from refuseEarly to the handler, the answer of
// a request refused on its headers: fasthttp's HeaderReceived hook sees only
// the headers, and cannot answer. A sender's own header of that name is
// dropped first, so only the hook sets it.
const earlyRefusalHeader = "X-Zoombeat-Early-Refusal"

// refuseEarly is fasthttp's HeaderReceived hook: it runs once a request's
// line and headers are in, before fasthttp reads any of the body or answers
// `Expect: 100-continue`. A request it refuses gets its answer at once: its
// body is declared empty (so fasthttp waits for none of it; the graceful
// close reads and drops what comes) and its Expect is dropped (so the client
// gets the final status, not 100 Continue, and sends no body). It refuses:
//
//   - a request line of another version than HTTP/1.0 and HTTP/1.1 (fasthttp
//     would serve HTTP/2.0 or HTTP/9.9 as HTTP/1.0): 505;
//   - a header name that is not an HTTP token (a space in it): 400;
//   - a declared Content-Length over max_body_bytes: 413, without waiting
//     for the first bytes of a body it would refuse;
//   - a Content-Encoding it does not accept: 415;
//   - with Expect: 100-continue, a request to another path or method: 404
//     or 405, rather than 100 Continue for a body it would refuse.
func refuseEarly(h *handler, hdr *fasthttp.RequestHeader) {
	hdr.Del(earlyRefusalHeader)
	status, msg := 0, ""
	if proto := hdr.Protocol(); !bytes.Equal(proto, []byte("HTTP/1.1")) && !bytes.Equal(proto, []byte("HTTP/1.0")) {
		status, msg = http.StatusHTTPVersionNotSupported, fmt.Sprintf("%s is not supported; send HTTP/1.1", proto)
	} else if name := badHeaderName(hdr); name != "" {
		status, msg = http.StatusBadRequest, fmt.Sprintf("header name %q is not an HTTP token", name)
	} else if cl, limit := int64(hdr.ContentLength()), int64(h.cfg.MaxBodyBytes); cl > limit {
		status, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is over max_body_bytes %d", cl, limit)
	} else if enc := h.encodingRefusal(hdr.ContentEncoding()); enc != "" && enc != "gzip" {
		status, msg = http.StatusUnsupportedMediaType, enc
	} else if expectsContinue(hdr) {
		status, msg = h.routeRefusal(hdr.Method(), hdr.RequestURI())
	}
	if status != 0 {
		hdr.Set(earlyRefusalHeader, strconv.Itoa(status)+" "+msg)
		hdr.Del(fasthttp.HeaderExpect)
		hdr.SetContentLength(0)
	}
}

// earlyRefusal is the answer refuseEarly chose for a request, if any.
func earlyRefusal(hdr *fasthttp.RequestHeader) (status int, msg string, ok bool) {
	v := hdr.Peek(earlyRefusalHeader)
	if len(v) == 0 {
		return 0, "", false
	}
	code, text, _ := bytes.Cut(v, []byte(" "))
	status, err := strconv.Atoi(string(code))
	if err != nil {
		return 0, "", false
	}
	return status, string(text), true
}

func expectsContinue(hdr *fasthttp.RequestHeader) bool {
	return hdr.IsHTTP11() && bytes.EqualFold(hdr.Peek(fasthttp.HeaderExpect), []byte("100-continue"))
}

// badHeaderName returns the first header name that is not an RFC 9110
// token, or "".
func badHeaderName(hdr *fasthttp.RequestHeader) string {
	for name := range hdr.All() {
		if !isToken(name) {
			return string(name)
		}
	}
	return ""
}

// debugLogger sends fasthttp's own messages (TLS handshake errors from
// scanners, mostly) to the debug log, where they do not drown real ones.
type debugLogger struct{ log *logp.Logger }

func (l debugLogger) Printf(format string, args ...any) {
	l.log.Debugf(format, args...)
}
