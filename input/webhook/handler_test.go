// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest/observer"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/logp/logptest"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/processors/zoom"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

const testSecret = "unit-test-secret-token"

var sampleBody = []byte(`{"event":"meeting.started","event_ts":1732435200123,"payload":{"account_id":"AAAAAABBBB","object":{"id":85746263467,"uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"Quarterly security review","type":2,"start_time":"2024-11-24T08:00:00Z","duration":60,"big":9007199254740993,"ratio":0.5}}}`)

type harness struct {
	t        *testing.T
	cfg      config
	url      string
	pipe     *fakePipeline
	h        *handler
	m        *inputMetrics
	sender   *zoomsim.Sender
	stopping chan struct{}
	logs     *observer.ObservedLogs
}

func newHarness(t *testing.T, mutate func(*config)) *harness {
	t.Helper()
	cfg := defaultConfig()
	cfg.SecretToken = testSecret
	cfg.ACKTimeout = 300 * time.Millisecond
	if mutate != nil {
		mutate(&cfg)
	}
	log, logs := logptest.NewTestingLoggerWithObserver(t, "")
	hs := &harness{t: t, cfg: cfg, pipe: &fakePipeline{}, stopping: make(chan struct{}), logs: logs}
	hs.m = newInputMetrics(nil, log)
	pub, closeWorkers, err := startWorkers(hs.pipe, 2, nil, hs.m, logp.NewLogger("test"))
	require.NoError(t, err)
	hs.h = newHandler(cfg, pub, hs.m, log, hs.stopping)
	t.Cleanup(closeWorkers) // after the server's shutdown: cleanups run last first
	hs.url = startServer(t, cfg, hs.h)
	hs.sender = &zoomsim.Sender{URL: hs.url + cfg.URL, Secret: testSecret}
	return hs
}

func (hs *harness) send(body []byte) *zoomsim.Response {
	hs.t.Helper()
	resp, err := hs.sender.Send(context.Background(), body)
	require.NoError(hs.t, err)
	return resp
}

// do sends req after signing body into it when sign is true.
func (hs *harness) do(req *http.Request) *zoomsim.Response {
	hs.t.Helper()
	resp, err := zoomsim.Do(http.DefaultClient, req)
	require.NoError(hs.t, err)
	return resp
}

func (hs *harness) signed(body []byte) *http.Request {
	req, err := hs.sender.Request(context.Background(), body)
	require.NoError(hs.t, err)
	return req
}

func jsonMessage(t *testing.T, r *zoomsim.Response) string {
	t.Helper()
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	var m map[string]string
	require.NoError(t, json.Unmarshal(r.Body, &m), "answer is not a JSON object: %s", r.Body)
	return m["message"]
}

func TestSignedEventPublishedAndAnsweredAfterACK(t *testing.T) {
	hs := newHarness(t, nil)
	resp := hs.send(sampleBody)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)

	events := hs.pipe.Events()
	require.Len(t, events, 1)
	ev := events[0]
	id := contract.DeliveryID(sampleBody)
	assert.Equal(t, id, ev.Meta["_id"])
	got, _ := ev.Fields.GetValue("event.id")
	assert.Equal(t, id, got)
	assert.JSONEq(t, fmt.Sprintf(`{"message":"acknowledged","id":%q}`, id), string(resp.Body))

	name, _ := ev.Fields.GetValue("zoom.event")
	assert.Equal(t, "meeting.started", name)
	meetingID, _ := ev.Fields.GetValue("zoom.payload.object.id")
	assert.Equal(t, int64(85746263467), meetingID, "integers stay exact int64")
	big, _ := ev.Fields.GetValue("zoom.payload.object.big")
	assert.Equal(t, int64(9007199254740993), big, "beyond float64's 2^53 precision")
	ratio, _ := ev.Fields.GetValue("zoom.payload.object.ratio")
	assert.Equal(t, 0.5, ratio)
	_, err := ev.Fields.GetValue("event.original")
	assert.Error(t, err, "event.original only with preserve_original_event")

	assert.EqualValues(t, 1, hs.m.requests.Get())
	assert.EqualValues(t, 1, hs.m.eventsPublished.Get())
	assert.EqualValues(t, 1, hs.m.eventsACKed.Get())
	assert.EqualValues(t, 1, hs.m.statusUint[200].Get())
	assert.EqualValues(t, 1, hs.m.ackLatency.Count())
	assert.EqualValues(t, len(sampleBody), hs.m.bodySize.Max())
}

func TestRetriedDeliveryKeepsItsID(t *testing.T) {
	hs := newHarness(t, nil)
	first := hs.send(sampleBody)
	// Zoom's retry comes minutes later, re-signed with a new timestamp.
	hs.sender.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	hs.h.now = hs.sender.Now
	second := hs.send(sampleBody)
	require.Equal(t, 200, first.Status)
	require.Equal(t, 200, second.Status)

	events := hs.pipe.Events()
	require.Len(t, events, 2)
	assert.Equal(t, events[0].Meta["_id"], events[1].Meta["_id"])

	other := hs.send(bytes.Replace(sampleBody, []byte("1732435200123"), []byte("1732435200124"), 1))
	require.Equal(t, 200, other.Status)
	assert.NotEqual(t, events[0].Meta["_id"], hs.pipe.Events()[2].Meta["_id"], "another notification gets another id")
}

func TestURLValidation(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.SecretToken = "secretValueTest" })
	hs.sender.Secret = "secretValueTest"
	resp := hs.send(zoomsim.ValidationBody("qgg8vlvZRS6UYooatFL8Aw", time.Now()))
	require.Equal(t, http.StatusOK, resp.Status)
	assert.JSONEq(t, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"70c1f2e2e6ca2d39297490d1f9142c7d701415ea8e6151f6562a08fa657a40ff"}`, string(resp.Body))
	assert.Empty(t, hs.pipe.Events(), "the challenge is not an event")
	assert.EqualValues(t, 1, hs.m.crcAnswered.Get())

	// The challenge must be signed like any notification.
	req, _ := http.NewRequest(http.MethodPost, hs.sender.URL, bytes.NewReader(zoomsim.ValidationBody("abc", time.Now())))
	unsigned := hs.do(req)
	assert.Equal(t, http.StatusUnauthorized, unsigned.Status)
	assert.Contains(t, jsonMessage(t, unsigned), "missing x-zm-request-timestamp")

	noToken := hs.send([]byte(`{"event":"endpoint.url_validation","payload":{}}`))
	assert.Equal(t, http.StatusBadRequest, noToken.Status)
	assert.Contains(t, jsonMessage(t, noToken), "payload.plainToken")
	// A number is no plainToken, even one beyond 64 bits, which the decoder
	// keeps as a string.
	number := hs.send([]byte(`{"event":"endpoint.url_validation","payload":{"plainToken":123456789012345678901234567890}}`))
	assert.Equal(t, http.StatusBadRequest, number.Status)
	assert.Contains(t, jsonMessage(t, number), "payload.plainToken")
	assert.EqualValues(t, 1, hs.m.crcAnswered.Get())
}

func TestURLValidationConcurrent(t *testing.T) {
	hs := newHarness(t, nil)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := fmt.Sprintf("token-%d", i)
			resp, err := hs.sender.Send(context.Background(), zoomsim.ValidationBody(token, time.Now()))
			if err != nil {
				errs <- err.Error()
				return
			}
			var got map[string]string
			_ = json.Unmarshal(resp.Body, &got)
			if resp.Status != 200 || got["plainToken"] != token || got["encryptedToken"] != zoomsim.EncryptedToken(testSecret, token) {
				errs <- fmt.Sprintf("token %s: %d %s", token, resp.Status, resp.Body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	assert.EqualValues(t, 64, hs.m.crcAnswered.Get())
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func TestErrorAnswers(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.MaxBodyBytes = 4096; c.AcceptGzip = true })
	big := []byte(`{"event":"meeting.started","pad":"` + strings.Repeat("x", 5000) + `"}`)
	signedWith := func(body []byte, wire []byte, enc string) *http.Request {
		req := hs.signed(body)
		req.Body = http.NoBody
		if wire != nil {
			req.Body = ioNopCloser(wire)
			req.ContentLength = int64(len(wire))
		}
		if enc != "" {
			req.Header.Set("Content-Encoding", enc)
		}
		return req
	}
	chunked := func(body []byte) *http.Request {
		req := hs.signed(body)
		req.ContentLength = -1 // sent chunked: the limit must hold while reading
		req.Body = ioNopCloser(body)
		return req
	}
	newReq := func(method, path string) *http.Request {
		req, _ := http.NewRequest(method, hs.url+path, bytes.NewReader(sampleBody))
		return req
	}
	staleSender := &zoomsim.Sender{URL: hs.sender.URL, Secret: testSecret, Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }}
	stale, _ := staleSender.Request(context.Background(), sampleBody)
	wrongSecret, _ := (&zoomsim.Sender{URL: hs.sender.URL, Secret: "nope"}).Request(context.Background(), sampleBody)

	cases := []struct {
		name   string
		req    *http.Request
		status int
		msg    string
	}{
		{"other path", newReq(http.MethodPost, "/other"), 404, "no Zoom webhook endpoint at /other"},
		{"GET", newReq(http.MethodGet, "/zoom"), 405, "method GET is not allowed"},
		{"PUT", newReq(http.MethodPut, "/zoom"), 405, "method PUT is not allowed"},
		{"unsigned", newReq(http.MethodPost, "/zoom"), 401, "missing x-zm-request-timestamp header"},
		{"wrong secret", wrongSecret, 401, "x-zm-signature does not match"},
		{"stale", stale, 401, "beyond signature.max_age"},
		{"malformed JSON", hs.signed([]byte(`{"event":`)), 400, "body is not valid JSON"},
		{"empty body", hs.signed([]byte(``)), 400, "body is not valid JSON"},
		{"array", hs.signed([]byte(`[{"event":"meeting.started"}]`)), 400, "body is a JSON array, not an object"},
		{"string", hs.signed([]byte(`"meeting.started"`)), 400, "body is a JSON string, not an object"},
		{"no event", hs.signed([]byte(`{"payload":{}}`)), 400, `no "event" string`},
		{"event not a string", hs.signed([]byte(`{"event":42}`)), 400, `no "event" string`},
		{"empty event", hs.signed([]byte(`{"event":""}`)), 400, `no "event" string`},
		{"trailing data", hs.signed([]byte(`{"event":"a"}{"event":"b"}`)), 400, "data after the JSON object"},
		{"too large", hs.signed(big), 413, "over max_body_bytes 4096"},
		{"too large, chunked", chunked(big), 413, "over max_body_bytes 4096"},
		{"gzip bomb", signedWith(big, gz(big), "gzip"), 413, "over max_body_bytes 4096"},
		{"not gzip", signedWith(sampleBody, sampleBody, "gzip"), 400, "body is not valid gzip"},
		{"truncated gzip", signedWith(sampleBody, gz(sampleBody)[:20], "gzip"), 400, "body could not be read"},
		{"brotli", signedWith(sampleBody, sampleBody, "br"), 415, `Content-Encoding "br" is not supported`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := hs.do(c.req)
			assert.Equal(t, c.status, resp.Status, "%s", resp.Body)
			assert.Contains(t, jsonMessage(t, resp), c.msg)
			if c.status == 405 {
				assert.Equal(t, "POST", resp.Header.Get("Allow"))
			}
		})
	}
	assert.Empty(t, hs.pipe.Events(), "no rejected request may publish")
	assert.EqualValues(t, 3, hs.m.signatureFailure.Get())
	assert.EqualValues(t, 3, hs.m.statusUint[413].Get())
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func ioNopCloser(b []byte) nopCloser { return nopCloser{bytes.NewReader(b)} }

// By default a gzip body is refused on its headers, 415 naming
// accept_gzip: Zoom sends plain JSON, and a gzip body is charged by what it
// decodes to, up to a thousandfold of its bytes on the wire.
func TestGzipIsRefusedByDefault(t *testing.T) {
	hs := newHarness(t, nil)
	addr := strings.TrimPrefix(hs.url, "http://")
	start := time.Now()
	// Headers and the first bytes of a body fasthttp would wait for.
	resp := rawExchange(t, addr, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 50000\r\n\r\n\x1f\x8b")
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	assert.Contains(t, answerMessage(t, resp), "accept_gzip: false")
	assert.Less(t, time.Since(start), time.Second, "answered on the headers")

	req := hs.signed(sampleBody)
	wire := gz(sampleBody)
	req.Body, req.ContentLength = ioNopCloser(wire), int64(len(wire))
	req.Header.Set("Content-Encoding", "gzip")
	assert.Equal(t, http.StatusUnsupportedMediaType, hs.do(req).Status)
	assert.Empty(t, hs.pipe.Events())
}

func TestGzipBody(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.AcceptGzip = true })
	// Zoom signs the JSON; a compressing proxy in between must not break it.
	req := hs.signed(sampleBody)
	wire := gz(sampleBody)
	req.Body, req.ContentLength = ioNopCloser(wire), int64(len(wire))
	req.Header.Set("Content-Encoding", "gzip")
	resp := hs.do(req)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	require.Len(t, hs.pipe.Events(), 1)
	assert.Equal(t, contract.DeliveryID(sampleBody), hs.pipe.Events()[0].Meta["_id"])
}

func TestACKTimeoutAnswers503(t *testing.T) {
	hs := newHarness(t, nil)
	hs.pipe.noACK.Store(true) // the output is down: the queue never acknowledges
	start := time.Now()
	resp := hs.send(sampleBody)
	elapsed := time.Since(start)
	assert.Equal(t, http.StatusServiceUnavailable, resp.Status)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	assert.Contains(t, jsonMessage(t, resp), "not acknowledged within ack_timeout 300ms")
	assert.GreaterOrEqual(t, elapsed, 300*time.Millisecond, "it waited for the ACK")
	assert.Len(t, hs.pipe.Events(), 1, "the event stays queued; Zoom's retry gets the same _id")
	assert.EqualValues(t, 1, hs.m.ackTimeouts.Get())
	assert.EqualValues(t, 0, hs.m.eventsACKed.Get())
}

func TestFullQueueAnswers503(t *testing.T) {
	hs := newHarness(t, nil)
	hs.pipe.block.Store(true) // Publish blocks as on a full queue
	var wg sync.WaitGroup
	for range 4 { // more requests than workers: some wait for a worker
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := hs.sender.Send(context.Background(), sampleBody)
			if assert.NoError(t, err) {
				assert.Equal(t, http.StatusServiceUnavailable, resp.Status)
				assert.Contains(t, string(resp.Body), "ack_timeout 300ms")
			}
		}()
	}
	wg.Wait()
	assert.Empty(t, hs.pipe.Events())
	assert.EqualValues(t, 4, hs.m.ackTimeouts.Get())
}

func TestStoppingAnswers503(t *testing.T) {
	hs := newHarness(t, nil)
	close(hs.stopping)
	resp := hs.send(sampleBody)
	assert.Equal(t, http.StatusServiceUnavailable, resp.Status)
	assert.Contains(t, jsonMessage(t, resp), "the input is stopping")
	assert.Empty(t, hs.pipe.Events())
}

func TestCustomHeader(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.Secret.Header, c.Secret.Value = "X-Zoom-Shared", "open-sesame" })
	resp := hs.send(sampleBody)
	assert.Equal(t, 401, resp.Status)
	assert.Contains(t, jsonMessage(t, resp), "missing x-zoom-shared header")

	hs.sender.Header = http.Header{"X-Zoom-Shared": {"open-sesamE"}}
	resp = hs.send(sampleBody)
	assert.Equal(t, 401, resp.Status)
	assert.Contains(t, jsonMessage(t, resp), "x-zoom-shared header does not match secret.value")

	hs.sender.Header = http.Header{"X-Zoom-Shared": {"open-sesame"}}
	resp = hs.send(sampleBody)
	assert.Equal(t, 200, resp.Status, "%s", resp.Body)
	assert.Len(t, hs.pipe.Events(), 1)
}

func TestIncludeHeadersAndOriginal(t *testing.T) {
	hs := newHarness(t, func(c *config) {
		c.IncludeHeaders = []string{"x-zm-trackingid", "User-Agent", "X-Absent"}
		c.PreserveOriginalEvent = true
	})
	resp := hs.send(sampleBody)
	require.Equal(t, 200, resp.Status)
	ev := hs.pipe.Events()[0]
	orig, _ := ev.Fields.GetValue("event.original")
	assert.Equal(t, string(sampleBody), orig)
	ua, _ := ev.Fields.GetValue("http.request.headers.user-agent")
	assert.Equal(t, []string{"Zoom Marketplace/1.0a"}, ua)
	tid, _ := ev.Fields.GetValue("http.request.headers.x-zm-trackingid")
	assert.Len(t, tid, 1)
	_, err := ev.Fields.GetValue("http.request.headers.x-absent")
	assert.Error(t, err)
	_, err = ev.Fields.GetValue("http.request.headers.x-zm-signature")
	assert.Error(t, err, "only the listed headers")
}

// TestEventsNeedNoNormalization backs the input's choice to publish with
// libbeat's event normalization off: for every sample notification (and
// one with nulls), with every optional field on, the event is already what
// normalization would make of it, with keep_null off and on.
func TestEventsNeedNoNormalization(t *testing.T) {
	samples, err := zoomsim.LoadNotifications(filepath.Join("..", "..", "testing", "webhook"))
	require.NoError(t, err)
	require.NotEmpty(t, samples)
	withNulls := []byte(`{"event":"meeting.updated","event_ts":1,"payload":{"object":{"id":1,"topic":null,"settings":{"a":null,"b":[null,{"c":null}],"d":[]}}}}`)
	for _, keepNull := range []bool{false, true} {
		hs := newHarness(t, func(c *config) {
			c.IncludeHeaders = []string{"x-zm-trackingid", "User-Agent"}
			c.PreserveOriginalEvent = true
			c.KeepNull = keepNull
		})
		for _, cfg := range hs.pipe.configs {
			require.NotNil(t, cfg.Processing.EventNormalization)
			assert.False(t, *cfg.Processing.EventNormalization, "the clients publish without normalization")
		}
		bodies := [][]byte{withNulls}
		for _, n := range samples {
			bodies = append(bodies, n.Nth(1))
		}
		for _, body := range bodies {
			require.Equal(t, 200, hs.send(body).Status)
		}
		events := hs.pipe.Events()
		require.Len(t, events, len(bodies))
		converter := common.NewGenericEventConverter(keepNull, logp.NewNopLogger())
		for i, ev := range events {
			assert.Equal(t, converter.Convert(ev.Fields.Clone()), ev.Fields, "%s, keep_null %t", bodies[i], keepNull)
		}
		settings, err := events[0].Fields.GetValue("zoom.payload.object.settings")
		require.NoError(t, err)
		if keepNull {
			assert.Equal(t, mapstr.M{"a": nil, "b": []any{nil, mapstr.M{"c": nil}}, "d": []any(nil)}, settings)
		} else {
			assert.Equal(t, mapstr.M{"b": []any{nil, mapstr.M{}}, "d": []any(nil)}, settings)
		}
	}
}

func TestAllowUnsigned(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.SecretToken, c.AllowUnsigned = "", true })
	req, _ := http.NewRequest(http.MethodPost, hs.sender.URL, bytes.NewReader(sampleBody))
	resp := hs.do(req)
	assert.Equal(t, 200, resp.Status, "%s", resp.Body)

	req, _ = http.NewRequest(http.MethodPost, hs.sender.URL, bytes.NewReader(zoomsim.ValidationBody("t", time.Now())))
	resp = hs.do(req)
	assert.Equal(t, 500, resp.Status)
	assert.Contains(t, jsonMessage(t, resp), "secret_token is not configured")
}

func TestLogsNeverHoldSecretOrBody(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.Secret.Header, c.Secret.Value = "X-Shared", "shared-value-xyz" })
	hs.sender.Header = http.Header{"X-Shared": {"shared-value-xyz"}}
	hs.send(sampleBody)
	hs.sender.Secret = "wrong"
	hs.send(sampleBody)
	hs.sender.Header = http.Header{"X-Shared": {"bad-shared"}}
	hs.send(sampleBody)
	hs.do(hs.signed([]byte(`{"event":`)))
	// A request the server cannot parse, which fasthttp logs itself.
	c, err := net.Dial("tcp", strings.TrimPrefix(hs.url, "http://"))
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST /zoom HTTP/1.1\r\nHost: x\r\nX-Shared: shared-value-xyz\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nQuarterly security review")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, readAnswer(t, c, 3*time.Second).StatusCode)
	require.Eventually(t, func() bool { return hs.logs.FilterMessageSnippet("error when serving connection").Len() > 0 }, 3*time.Second, 10*time.Millisecond, "fasthttp logs the malformed request")

	require.NotZero(t, hs.logs.Len(), "rejections are logged at debug level")
	for _, e := range hs.logs.All() {
		line := e.Message + fmt.Sprint(e.ContextMap())
		for _, secret := range []string{testSecret, "shared-value-xyz", "bad-shared", "Quarterly security review"} {
			assert.NotContains(t, line, secret, "log line %q", line)
		}
	}
}

// BenchmarkHandler: one request from its signature to its answer after the
// ACK, with a fake pipeline; "mapped" adds the mapping the module has the
// input run (the mapping option).
func BenchmarkHandler(b *testing.B) {
	for _, mapping := range []map[string]any{nil, {"redact_secrets": true}} {
		name := "unmapped"
		var mc *conf.C
		if mapping != nil {
			name, mc = "mapped", conf.MustNewConfigFrom(mapping)
		}
		b.Run(name, func(b *testing.B) {
			mapper, err := zoom.ForInput(mc, logp.NewNopLogger())
			require.NoError(b, err)
			pipe := &fakePipeline{}
			cfg := defaultConfig()
			cfg.SecretToken = testSecret
			m := newInputMetrics(nil, logp.NewNopLogger())
			pub, closeWorkers, _ := startWorkers(pipe, 2, mapper, m, logp.NewNopLogger())
			defer closeWorkers()
			h := newHandler(cfg, pub, m, logp.NewNopLogger(), make(chan struct{}))
			sender := &zoomsim.Sender{URL: "http://localhost/zoom", Secret: testSecret}
			b.ReportAllocs()
			for b.Loop() {
				req, _ := sender.Request(context.Background(), sampleBody)
				if status, body := serveInProcess(h, req); status != 200 {
					b.Fatal(status, string(body))
				}
				pipe.take()
			}
		})
	}
}

// A user processor may remove @metadata._id (drop_fields); the answer must
// still carry the delivery id, and not panic on its absence.
func TestAnswerDoesNotDependOnProcessors(t *testing.T) {
	hs := newHarness(t, nil)
	hs.pipe.process = func(e *beat.Event) { delete(e.Meta, "_id") }
	resp := hs.send(sampleBody)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.JSONEq(t, fmt.Sprintf(`{"message":"acknowledged","id":%q}`, contract.DeliveryID(sampleBody)), string(resp.Body))
	require.Len(t, hs.pipe.Events(), 1)
	assert.NotContains(t, hs.pipe.Events()[0].Meta, "_id")
}

// A panic while serving is logged at error level and answered with a JSON
// 500, so that the sender retries.
func TestPanicIsAnswered500(t *testing.T) {
	hs := newHarness(t, nil)
	hs.h.now = func() time.Time { panic("boom in makeEvent") }
	resp := hs.send(sampleBody)
	require.Equal(t, http.StatusInternalServerError, resp.Status, "%s", resp.Body)
	assert.Contains(t, jsonMessage(t, resp), "internal error")
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	logged := hs.logs.FilterMessageSnippet("Panic while serving").All()
	require.Len(t, logged, 1)
	assert.Equal(t, "error", logged[0].Level.String())
	assert.Contains(t, fmt.Sprint(logged[0].ContextMap()["panic"]), "boom in makeEvent")
	assert.Empty(t, hs.pipe.Events())
}

// The answer to an accepted notification is spelled out by hand; it must be
// the bytes encoding/json would write, and any other answer must go through
// encoding/json.
func TestAnswerMarshal(t *testing.T) {
	for _, a := range []answer{
		{Message: msgAcknowledged, ID: contract.DeliveryID(sampleBody)},
		{Message: msgAcknowledged, ID: `not "hex" <id>`},
		{Message: msgAcknowledged},
		{Message: "acknowledged\u2028", ID: "abc"},
		message("body is over max_body_bytes 1048576 <&>"),
		{PlainToken: "qgg8vlvZRS6UYooatFL8Aw", EncryptedToken: "a1b2"},
		{},
	} {
		var want bytes.Buffer
		require.NoError(t, json.NewEncoder(&want).Encode(a))
		assert.Equal(t, want.String(), string(a.marshal()), "%+v", a)
	}
}

// Body buffers are reused between requests (bodyBuffers): an event must not
// change when later bodies are read into the buffer its body came in.
func TestEventOutlivesItsBodyBuffer(t *testing.T) {
	hs := newHarness(t, func(c *config) { c.PreserveOriginalEvent = true })
	body := func(i int) []byte {
		return fmt.Appendf(nil, `{"event":"meeting.started","event_ts":%d,"payload":{"account_id":"acct-%03d","object":{"id":"%03d","topic":"topic %03d \u00e9"}}}`, 1732435200000+i, i, i, i)
	}
	require.Equal(t, http.StatusOK, hs.send(body(0)).Status)
	first := hs.pipe.Events()[0]
	before, err := json.Marshal(first.Fields)
	require.NoError(t, err)
	for i := 1; i < 50; i++ {
		require.Equal(t, http.StatusOK, hs.send(body(i)).Status)
	}
	after, err := json.Marshal(first.Fields)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "a later body changed an earlier event")
	assert.Equal(t, string(body(0)), first.Fields["event"].(mapstr.M)["original"])
	assert.Equal(t, "acct-000", first.Fields["zoom"].(mapstr.M)["payload"].(mapstr.M)["account_id"])
}

// A pooled ACK timer must start each wait afresh: neither a tick that fired
// and was received, nor one that fired unseen, may end the next wait.
func TestACKTimersAreReusedAfresh(t *testing.T) {
	for _, received := range []bool{true, false} {
		first := startTimer(time.Millisecond)
		if received {
			<-first.C
		} else {
			time.Sleep(10 * time.Millisecond) // fired, nobody listening
		}
		stopTimer(first)
		next := startTimer(time.Hour)
		select {
		case <-next.C:
			t.Fatalf("a reused timer fired at once (first tick received: %t)", received)
		case <-time.After(50 * time.Millisecond):
		}
		stopTimer(next)
		last := startTimer(10 * time.Millisecond) // and a reused timer still fires
		select {
		case <-last.C:
		case <-time.After(10 * time.Second):
			t.Fatal("a reused timer never fired")
		}
		stopTimer(last)
	}
}
