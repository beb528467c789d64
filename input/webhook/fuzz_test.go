// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// FuzzHandler drives the request handler with arbitrary bodies, encodings
// and signature headers. Whatever comes in, the answer is one of the
// documented statuses with a JSON body, a 200 publishes exactly one event
// whose _id is the body's DeliveryID, and anything else publishes nothing.
// The seeds run in the normal suite; `go test -fuzz FuzzHandler` explores.
func FuzzHandler(f *testing.F) {
	f.Add(sampleBody, "", true, false, "")
	f.Add(sampleBody, "gzip", true, true, "")
	f.Add(sampleBody, "gzip", true, false, "")
	f.Add(sampleBody, "br", true, false, "")
	f.Add(sampleBody, "", false, false, "")
	f.Add(sampleBody, "", false, false, "v0=00")
	f.Add(zoomsim.ValidationBody("qgg8vlvZRS6UYooatFL8Aw", time.Unix(0, 0)), "", true, false, "")
	f.Add([]byte(`{"event":"endpoint.url_validation","payload":{"plainToken":7}}`), "", true, false, "")
	f.Add([]byte(`{"event":`), "", true, false, "")
	f.Add([]byte(`[1,2]`), "", true, false, "")
	f.Add([]byte(`{"event":"a"} x`), "identity", true, false, "")
	f.Add([]byte(`{"event":"a","n":1e400,"m":-0,"k":123456789012345678901234567890}`), "", true, false, "")
	f.Add([]byte(`{"event":"a","s":"\ud800"}`), "", true, false, "")
	f.Add(bytes.Repeat([]byte("a"), 5000), "", true, false, "")

	pipe := &fakePipeline{}
	cfg := defaultConfig()
	cfg.SecretToken = testSecret
	cfg.MaxBodyBytes = 4096
	cfg.AcceptGzip = true // the gzip reader is explored too
	cfg.ACKTimeout = time.Second
	m := newInputMetrics(nil, logp.NewNopLogger())
	pub, closeWorkers, err := startWorkers(pipe, 1, nil, m, logp.NewLogger("test"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(closeWorkers)
	h := newHandler(cfg, pub, m, logp.NewNopLogger(), make(chan struct{}))

	f.Fuzz(func(t *testing.T, body []byte, encoding string, sign, compress bool, signature string) {
		wire := body
		if compress {
			wire = gz(body)
		}
		req := httptest.NewRequest(http.MethodPost, "/zoom", bytes.NewReader(wire))
		if encoding != "" {
			req.Header.Set("Content-Encoding", encoding)
		}
		ts := time.Now().Unix()
		req.Header.Set("x-zm-request-timestamp", strconv.FormatInt(ts, 10))
		if sign {
			req.Header.Set("x-zm-signature", zoomsim.Signature(testSecret, body, ts))
		} else {
			req.Header.Set("x-zm-signature", signature)
		}
		pipe.take()
		code, got := serveInProcess(h, req)

		switch code {
		case 200, 400, 401, 413, 415:
		default:
			t.Fatalf("unexpected status %d: %s", code, got)
		}
		var answer map[string]string
		if err := json.Unmarshal(got, &answer); err != nil {
			t.Fatalf("answer %d is not a JSON object of strings: %q", code, got)
		}
		events := pipe.take()
		_, isChallenge := answer["encryptedToken"]
		switch {
		case code == 200 && isChallenge:
			if len(events) != 0 {
				t.Fatal("the URL validation challenge published an event")
			}
		case code == 200:
			if len(events) != 1 {
				t.Fatalf("a 200 published %d events", len(events))
			}
			if got, want := events[0].Meta["_id"], contract.DeliveryID(body); got != want {
				t.Fatalf("_id %v, want %v", got, want)
			}
		default:
			if answer["message"] == "" {
				t.Fatalf("error answer %d without a message: %s", code, got)
			}
			if len(events) != 0 {
				t.Fatalf("a %d published an event", code)
			}
		}
	})
}
