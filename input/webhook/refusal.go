// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/valyala/fasthttp"
)

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
func (h *handler) refuseEarly(hdr *fasthttp.RequestHeader) fasthttp.RequestConfig {
	hdr.Del(earlyRefusalHeader)
	status, msg := 0, ""
	if proto := hdr.Protocol(); !bytes.Equal(proto, []byte("HTTP/1.1")) && !bytes.Equal(proto, []byte("HTTP/1.0")) {
		status, msg = http.StatusHTTPVersionNotSupported, fmt.Sprintf("%s is not supported; send HTTP/1.1", proto)
	} else if name := badHeaderName(hdr); name != "" {
		status, msg = http.StatusBadRequest, fmt.Sprintf("header name %q is not an HTTP token", name)
	} else if cl, limit := int64(hdr.ContentLength()), int64(h.cfg.MaxBodyBytes); cl > limit {
		status, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is over max_body_bytes %d", cl, limit)
	} else if enc := h.encodingRefusal(hdr); enc != "" && enc != "gzip" {
		status, msg = http.StatusUnsupportedMediaType, enc
	} else if expectsContinue(hdr) {
		status, msg = h.routeRefusal(hdr)
	}
	if status != 0 {
		hdr.Set(earlyRefusalHeader, strconv.Itoa(status)+" "+msg)
		hdr.Del(fasthttp.HeaderExpect)
		hdr.SetContentLength(0)
	}
	return fasthttp.RequestConfig{}
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
