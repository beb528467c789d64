// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/contract"
)

const eventURLValidation = "endpoint.url_validation"

// handler serves Zoom's webhook deliveries on one URL. It answers 200 only
// once the event's ACK came back from the pipeline, so that Zoom retries
// whatever Filebeat does not hold yet.
type handler struct {
	cfg       config
	verifier  *Verifier // nil with allow_unsigned and no secret_token
	headers   []string  // include_headers, canonicalized
	publisher *publisher
	budget    *bodyBudget
	metrics   *inputMetrics
	log       *logp.Logger
	stopping  <-chan struct{} // closed when the input stops
	health    *health
	now       func() time.Time
}

func newHandler(cfg config, p *publisher, m *inputMetrics, log *logp.Logger, stopping <-chan struct{}) *handler {
	h := &handler{
		cfg:       cfg,
		publisher: p,
		budget:    newBodyBudget(int64(cfg.MaxInflightBytes), int64(cfg.MaxInflightBytesPerSource)),
		metrics:   m,
		log:       log,
		stopping:  stopping,
		health:    newHealth(func(status.Status, string) {}, "", nil),
		now:       time.Now,
	}
	if cfg.SecretToken != "" {
		h.verifier = NewVerifier([]byte(cfg.SecretToken), cfg.Signature.MaxAge)
	}
	for _, name := range cfg.IncludeHeaders {
		h.headers = append(h.headers, http.CanonicalHeaderKey(name))
	}
	return h
}

// httpError is a request that is answered with status and a JSON message.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// request is what the handler reads of an HTTP request: server.go makes it
// from fasthttp's, so that what is here is plain Go.
type request interface {
	Header(name string) []byte      // the first value of a header, nil if none
	HeaderAll(name string) [][]byte // every value of a header
	Method() []byte
	Target() []byte       // the request target as sent
	ContentLength() int64 // -1: chunked, -2: none
	ContentEncoding() []byte
	Started() time.Time // when the server began reading the request
	RemoteAddr() net.Addr
	// Body is the body as it streams from the connection (fromConn), or
	// whole for a request made in-process.
	Body() (body io.Reader, fromConn bool)
	// Early is an answer decided on the headers alone, before any body.
	Early() (status int, msg string, ok bool)
	// CloseAfterAnswer closes the connection, gracefully, once the answer
	// is written: the client may still be sending what was refused.
	CloseAfterAnswer()
	SetReadDeadline(time.Time) error
}

// reply is the handler's answer: a status, its JSON body, and headers.
type reply struct {
	status  int
	body    answer
	headers [][2]string
}

// handle serves one request and returns its answer.
func (h *handler) handle(r request) reply {
	h.metrics.requests.Inc()
	status, body := h.serve(r)
	h.metrics.status(status)
	a := reply{status: status, body: body}
	switch {
	case status == http.StatusMethodNotAllowed:
		a.headers = append(a.headers, [2]string{"Allow", http.MethodPost})
	case status >= 500:
		// Zoom retries 5xx: tell it (and proxies) not to hammer right away.
		a.headers = append(a.headers, [2]string{"Retry-After", retryAfter})
	}
	return a
}

// retryAfterSeconds is sent with every 503. Zoom schedules its own retries
// (5, 20, 60 minutes); other senders get a short, honest hint.
const retryAfterSeconds = 5

var retryAfter = strconv.Itoa(retryAfterSeconds)

// serve handles one request and returns the status and JSON body to answer.
func (h *handler) serve(r request) (int, answer) {
	status, msg, early := r.Early()
	if early {
		// Refused on its headers (refuseEarly), before the server read any
		// of its body, which the graceful close reads and drops.
		r.CloseAfterAnswer()
	} else {
		status, msg = h.routeRefusal(r.Method(), r.Target())
	}
	if status != 0 {
		return status, message(msg)
	}
	// The credentials are read before the body: a chunked body's trailers,
	// which fasthttp adds to the headers as it reads them, cannot supply them.
	creds := h.credentialsOf(r)
	src := addrOf(r.RemoteAddr()) // as the connection limiter counts it
	raw, held, buf, err := h.readBody(r, src)
	if err != nil {
		return failure(err)
	}
	defer h.budget.giveFrom(src, held)
	defer putBodyBuffer(buf)
	h.metrics.bodySize.Update(int64(len(raw)))

	if err := h.authenticate(creds, raw); err != nil {
		h.metrics.signatureFailure.Inc()
		h.log.Debugw("Rejected a webhook request", "reason", err.Error(), "source.address", r.RemoteAddr().String())
		return http.StatusUnauthorized, message(err.Error())
	}

	body, name, err := decodeNotification(raw, h.cfg.KeepNull)
	if err != nil {
		return failure(err)
	}

	if name == eventURLValidation {
		return h.answerChallenge(body, raw)
	}

	select {
	case <-h.stopping:
		return http.StatusServiceUnavailable, message("the input is stopping; deliver again later")
	default:
	}

	ev := h.makeEvent(r, raw, body)
	d := newDelivery(ev, ev.Meta["_id"].(string))
	d.acknowledged = h.ackLatency
	deadline := startTimer(h.cfg.ACKTimeout)
	defer stopTimer(deadline)

	// A caller that hangs up is not noticed here (fasthttp does not watch the
	// connection while the handler runs): the handler waits for the ACK or
	// ack_timeout as for any other, and its answer goes nowhere.
	//
	// Under load a worker is nearly always waiting for the next delivery, so
	// a plain send usually succeeds at once; only when none is free does the
	// handler wait on four channels, which locks and queues on each of them
	// (the two waits of this function were 2 % of Filebeat's CPU under load).
	select {
	case h.publisher.in <- d:
	default:
		select {
		case h.publisher.in <- d:
		case <-deadline.C:
			return h.ackTimedOut("the pipeline did not take the event")
		case <-h.stopping:
			return http.StatusServiceUnavailable, message("the input is stopping; deliver again later")
		}
	}

	select {
	case <-d.acked:
		// d.id, not the event's @metadata._id: the pipeline's processors own
		// the event once it is published, and may have removed or changed it.
		h.health.acked()
		return http.StatusOK, answer{Message: msgAcknowledged, ID: d.id}
	case <-deadline.C:
		// The event stays in the queue and may still be delivered; Zoom's
		// retry carries the same body, so it gets the same _id.
		return h.ackTimedOut("the event was not acknowledged")
	}
}

// ackTimedOut counts a request that waited ack_timeout for the pipeline, marks
// the input degraded, and answers 503; what says what did not happen in time.
func (h *handler) ackTimedOut(what string) (int, answer) {
	h.metrics.ackTimeouts.Inc()
	h.health.ackTimedOut(h.cfg.ACKTimeout)
	return http.StatusServiceUnavailable, message(fmt.Sprintf("%s within ack_timeout %v (is the output down?); deliver again later", what, h.cfg.ACKTimeout))
}

// ackLatency learns each ACK's latency. An ACK later than ack_timeout
// arrives for an event already answered 503: the queue holds events for a
// batch longer than Zoom waits (a top-level queue.mem.flush.timeout of
// seconds; internal/queuefit fits the output's own), or the output is slow.
// That is said loudly, on the unit and in the log, since every quiet-time
// delivery may then fail.
func (h *handler) ackLatency(latency time.Duration) {
	if latency > h.cfg.ACKTimeout {
		h.metrics.lateACKs.Inc()
		h.health.lateACK(latency, h.cfg.ACKTimeout)
	}
}

// answer is the JSON body of every response: a message (with the delivery
// id for an accepted event), or the endpoint.url_validation answer. A struct
// rather than a map, because encoding a map sorts its keys on every request.
type answer struct {
	Message        string `json:"message,omitempty"`
	ID             string `json:"id,omitempty"`
	PlainToken     string `json:"plainToken,omitempty"`
	EncryptedToken string `json:"encryptedToken,omitempty"`
}

func message(s string) answer { return answer{Message: s} }

func failure(err error) (int, answer) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, message(he.msg)
	}
	return http.StatusInternalServerError, message(err.Error())
}

// readBody reads the request body, undoing gzip Content-Encoding. The reader
// stops at max_body_bytes, on the wire and after decompression alike, so that
// neither a long body nor a gzip bomb is held in memory. The buffer grows as
// bytes arrive (a declared Content-Length alone reserves nothing beyond
// smallBodyBytes), and every byte of it is taken from the budget shared by
// all requests; held is what the caller gives back when the request is done.
//
// A body of up to smallBodyBytes is read into a pooled buffer, returned as
// buf: the caller gives it back (putBodyBuffer) once nothing refers to body.
func (h *handler) readBody(r request, source netip.Addr) (body []byte, held int64, buf *[]byte, err error) {
	limit := int64(h.cfg.MaxBodyBytes)
	// -1 for a chunked body, whose length is unknown; -2 (no length, not
	// chunked) has no body, which fasthttp reads as empty.
	contentLength := r.ContentLength()
	if contentLength > limit {
		r.CloseAfterAnswer()
		return nil, 0, nil, errorf(http.StatusRequestEntityTooLarge, "body of %d bytes is over max_body_bytes %d", contentLength, limit)
	}
	// The server streams bodies (StreamRequestBody: it has read at most the
	// first 8 KiB); a request made in-process, without a server, has its body
	// whole.
	wire, fromConn := r.Body()
	// Beyond what fasthttp read ahead (up to 8 KiB, before the handler),
	// the body comes from the connection.
	streamed := fromConn && (contentLength < 0 || contentLength > preReadBytes)
	readDeadline := r.Started().Add(h.cfg.ReadTimeout)
	counted := &countingReader{r: wire}
	var src io.Reader = io.LimitReader(counted, limit+1)
	compressed := false
	switch enc := h.encodingRefusal(r.ContentEncoding()); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, 0, nil, errorf(http.StatusBadRequest, "body is not valid gzip: %v", err)
		}
		defer zr.Close()
		src = io.LimitReader(zr, limit+1)
		compressed = true
	default:
		return nil, 0, nil, errorf(http.StatusUnsupportedMediaType, "%s", enc)
	}
	defer func() {
		if err != nil {
			h.budget.giveFrom(source, held)
			held = 0
			putBodyBuffer(buf)
			buf = nil
		}
	}()
	overBudget := func(which int) error {
		h.metrics.overBudget.Inc()
		r.CloseAfterAnswer()
		if which == budgetSourceFull {
			return errorf(http.StatusServiceUnavailable, "this source address holds max_inflight_bytes_per_source %d of request bodies; deliver again later", h.cfg.MaxInflightBytesPerSource)
		}
		return errorf(http.StatusServiceUnavailable, "the listener holds max_inflight_bytes %d of request bodies; deliver again later", h.cfg.MaxInflightBytes)
	}
	if !compressed && contentLength > 0 && !h.budget.room(contentLength+1) {
		return nil, 0, nil, overBudget(budgetFull)
	}
	// grow makes room for n bytes in all, from the budget.
	grow := func(n int64) error {
		if which := h.budget.takeFrom(source, n-int64(cap(body)), n); which != budgetOK {
			return overBudget(which)
		}
		held += n - int64(cap(body))
		if body == nil && n <= smallBodyBytes {
			buf = bodyBuffers.Get().(*[]byte)
			if int64(cap(*buf)) < n {
				*buf = make([]byte, 0, n)
			}
			body = (*buf)[:0:n] // no more than the budget holds
			return nil
		}
		next := make([]byte, len(body), n)
		copy(next, body)
		body = next
		putBodyBuffer(buf) // copied out of it
		buf = nil
		return nil
	}
	// A small body of known size is read in one allocation, with a spare
	// byte so that reading its end needs no growth.
	first := int64(16 << 10)
	if !compressed && contentLength > 0 && contentLength < smallBodyBytes {
		first = contentLength + 1
	}
	if err := grow(min(first, limit+1)); err != nil {
		return nil, 0, nil, err
	}
	for {
		if len(body) == cap(body) {
			if err := grow(min(2*int64(cap(body)), limit+1)); err != nil {
				return nil, held, buf, err
			}
		}
		if streamed {
			// A body must keep coming: one that stalls for bodyStallTime
			// gives its budget back then, not at read_timeout.
			deadline := time.Now().Add(bodyStallTime)
			if deadline.After(readDeadline) {
				deadline = readDeadline
			}
			_ = r.SetReadDeadline(deadline)
		}
		n, rerr := src.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if streamed && rerr == nil {
			// And keep coming at minBodyRate on average, past the first
			// bodyStallTime: a trickle of a byte a second holds its
			// budget no longer than a stall does.
			if elapsed := time.Since(r.Started()); elapsed > bodyStallTime && float64(counted.n) < minBodyRate*elapsed.Seconds() {
				r.CloseAfterAnswer()
				return nil, held, buf, errorf(http.StatusRequestTimeout, "body arrives at %.0f bytes/s, under the minimum of %d", float64(counted.n)/elapsed.Seconds(), minBodyRate)
			}
		}
		if int64(len(body)) > limit {
			r.CloseAfterAnswer()
			return nil, held, buf, errorf(http.StatusRequestEntityTooLarge, "body is over max_body_bytes %d", limit)
		}
		if rerr == io.EOF {
			if fromConn && contentLength >= 0 && counted.n != contentLength {
				// The sender ended its stream before the body it declared.
				r.CloseAfterAnswer()
				return nil, held, buf, errorf(http.StatusBadRequest, "body ended after %d of its Content-Length %d bytes", counted.n, contentLength)
			}
			return body, held, buf, nil
		}
		if rerr != nil {
			// The rest of the body may still come, or the stream is broken:
			// either way the connection serves no other request.
			r.CloseAfterAnswer()
			var ne interface{ Timeout() bool }
			if errors.As(rerr, &ne) && ne.Timeout() {
				if time.Now().Before(readDeadline) {
					return nil, held, buf, errorf(http.StatusRequestTimeout, "body stalled: no byte for %v (a body must keep coming)", bodyStallTime)
				}
				return nil, held, buf, errorf(http.StatusRequestTimeout, "body not received within read_timeout %v", h.cfg.ReadTimeout)
			}
			return nil, held, buf, errorf(http.StatusBadRequest, "body could not be read: %v", rerr)
		}
	}
}

// bodyStallTime is how long a body may pause once its headers are in.
// Zoom's bodies come in one go; a pause that long is a stalled sender.
const bodyStallTime = time.Second

// minBodyRate is the least average rate, in bytes per second, at which a
// body read from the connection must arrive past its first bodyStallTime.
// Zoom's bodies of a few KiB come in one go; 4 KiB/s is far below any link
// that can deliver a webhook, and what a body holds of the budget (at most
// twice what has arrived) then grows no slower than it frees.
const minBodyRate = 4 << 10

// preReadBytes is what fasthttp reads of a body before the handler runs
// (readBodyWithStreaming), under read_timeout.
const preReadBytes = 8 << 10

// countingReader counts the bytes read from the wire.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// bodyBuffers holds request-body buffers between requests: a body is dead
// once its event is built, since the decoder, the delivery id and
// event.original copy what they keep. Only buffers of bodies up to
// smallBodyBytes come from here, so a pooled buffer is never larger.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// putBodyBuffer gives back a buffer of readBody (nil: none).
func putBodyBuffer(buf *[]byte) {
	if buf != nil {
		*buf = (*buf)[:0]
		bodyBuffers.Put(buf)
	}
}

// routeRefusal refuses a request to another path than url, or with another
// method than POST (status 0: neither). The path is compared as sent, with
// no normalization: Zoom posts to the URL it was given, and //zoom,
// /%7Aoom or /..%2fzoom are not that URL.
func (h *handler) routeRefusal(method, target []byte) (int, string) {
	if path := requestPath(target); path != h.cfg.URL {
		return http.StatusNotFound, fmt.Sprintf("no Zoom webhook endpoint at %s; Zoom posts to %s", path, h.cfg.URL)
	}
	if string(method) != http.MethodPost {
		return http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed; Zoom sends POST", method)
	}
	return 0, ""
}

// requestPath is the path of a request target as sent: up to its query.
func requestPath(uri []byte) string {
	if i := bytes.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	return string(uri)
}

// encodingRefusal reads Content-Encoding: "" for none (identity), "gzip" when
// accept_gzip admits it, else the message of a 415.
func (h *handler) encodingRefusal(contentEncoding []byte) string {
	switch enc := strings.ToLower(strings.TrimSpace(string(contentEncoding))); enc {
	case "", "identity":
		return ""
	case "gzip", "x-gzip":
		if h.cfg.AcceptGzip {
			return "gzip"
		}
		return fmt.Sprintf("Content-Encoding %q is not accepted (accept_gzip: false); Zoom sends identity", enc)
	default:
		if h.cfg.AcceptGzip {
			return fmt.Sprintf("Content-Encoding %q is not supported; send identity or gzip", enc)
		}
		return fmt.Sprintf("Content-Encoding %q is not supported; send identity", enc)
	}
}

// credentials are the headers that authenticate a request.
type credentials struct {
	timestamp, signature string
	custom               []byte // secret.header's value, when configured
}

func (h *handler) credentialsOf(r request) credentials {
	c := credentials{timestamp: string(r.Header(headerTimestamp)), signature: string(r.Header(headerSignature))}
	if h.cfg.Secret.Header != "" {
		c.custom = bytes.Clone(r.Header(h.cfg.Secret.Header))
	}
	return c
}

// authenticate checks the optional custom header, then Zoom's signature.
func (h *handler) authenticate(c credentials, raw []byte) error {
	if h.cfg.Secret.Header != "" {
		got := c.custom
		if subtle.ConstantTimeCompare(got, []byte(h.cfg.Secret.Value)) != 1 {
			if len(got) == 0 {
				return fmt.Errorf("missing %s header (secret.header)", strings.ToLower(h.cfg.Secret.Header))
			}
			return fmt.Errorf("%s header does not match secret.value", strings.ToLower(h.cfg.Secret.Header))
		}
	}
	if h.verifier == nil { // allow_unsigned: true, warned about at start
		return nil
	}
	return h.verifier.verifyAt(raw, c.timestamp, c.signature, h.now())
}

// decodeNotification is contract.DecodeNotification, its errors answered 400.
func decodeNotification(raw []byte, keepNull bool) (mapstr.M, string, error) {
	body, name, err := contract.DecodeNotification(raw, keepNull)
	if err != nil {
		return nil, "", &httpError{status: http.StatusBadRequest, msg: err.Error()}
	}
	return body, name, nil
}

// answerChallenge answers endpoint.url_validation; nothing is published.
func (h *handler) answerChallenge(body mapstr.M, raw []byte) (int, answer) {
	payload, _ := body["payload"].(mapstr.M)
	token, _ := payload["plainToken"].(string)
	// The decoder keeps integers beyond 64 bits as strings, so the type is
	// read from the body: a number is no plainToken.
	var typed struct {
		Payload struct {
			PlainToken json.RawMessage `json:"plainToken"`
		} `json:"payload"`
	}
	if json.Unmarshal(raw, &typed) != nil || !bytes.HasPrefix(typed.Payload.PlainToken, []byte(`"`)) {
		token = ""
	}
	if token == "" {
		return http.StatusBadRequest, message(`endpoint.url_validation without a "payload.plainToken" string`)
	}
	if h.verifier == nil {
		return http.StatusInternalServerError, message("cannot answer endpoint.url_validation: secret_token is not configured")
	}
	h.metrics.crcAnswered.Inc()
	return http.StatusOK, answer{PlainToken: token, EncryptedToken: h.verifier.EncryptedToken(token)}
}

// makeEvent is the notification's event (contract.NotificationEvent) with
// the headers include_headers keeps.
func (h *handler) makeEvent(r request, raw []byte, body mapstr.M) beat.Event {
	ev := contract.NotificationEvent(raw, body, h.now(), h.cfg.PreserveOriginalEvent)
	if len(h.headers) > 0 {
		headers := mapstr.M{}
		for _, name := range h.headers {
			if vals := r.HeaderAll(name); len(vals) > 0 {
				strs := make([]string, len(vals))
				for i, v := range vals {
					strs[i] = string(v)
				}
				headers[strings.ToLower(name)] = strs
			}
		}
		if len(headers) > 0 {
			ev.Fields.Put("http.request.headers", headers)
		}
	}
	return ev
}

// msgAcknowledged answers every accepted notification.
const msgAcknowledged = "acknowledged"

// marshal returns the answer as JSON, with a final newline. The answer to an
// accepted notification, the one sent under load, is spelled out directly:
// its message is a constant and its id hex, so neither needs escaping, and
// encoding/json's reflection over the struct was a third of the cost of
// answering (docs/performance.md). TestAnswerMarshal holds both ways to the
// same bytes.
func (a answer) marshal() []byte {
	if a == (answer{Message: msgAcknowledged, ID: a.ID}) && a.ID != "" && isLowerHex(a.ID) {
		const head, tail = `{"message":"` + msgAcknowledged + `","id":"`, "\"}\n"
		b := make([]byte, 0, len(head)+len(a.ID)+len(tail))
		return append(append(append(b, head...), a.ID...), tail...)
	}
	b, _ := json.Marshal(a) // strings only: it cannot fail
	return append(b, '\n')
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
