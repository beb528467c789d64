// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/input/jsonutil"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// receivedAt stands for the time of receipt in golden documents.
var receivedAt = time.Date(2024, 11, 24, 20, 0, 0, 0, time.UTC)

type payload struct {
	name string // e.g. meeting/meeting.started
	path string
	raw  []byte
}

// payloads returns every sample: the webhook notifications under
// testing/webhook and the report entries (as the zoom_reports input publishes
// them) under testing/reports.
func payloads(t testing.TB) []payload {
	t.Helper()
	var paths []string
	for _, dir := range []string{"webhook", "reports"} {
		p, err := zoomsim.SamplePaths(filepath.Join("..", "..", "testing", dir))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p...)
	}
	var out []payload
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(filepath.Base(filepath.Dir(p)), strings.TrimSuffix(filepath.Base(p), ".json"))
		out = append(out, payload{name: name, path: p, raw: raw})
	}
	if len(out) == 0 {
		t.Fatal("no sample payloads found")
	}
	return out
}

// inputEvent builds the event that the zoom_webhook input (or, for a report
// sample, the zoom_reports input) publishes for raw.
func inputEvent(t testing.TB, raw []byte) *beat.Event {
	t.Helper()
	if v, err := jsonutil.DecodeObject(raw); err == nil {
		if obj, ok := v.(map[string]any); ok && obj["report"] != nil {
			return &beat.Event{
				Timestamp: receivedAt,
				Fields: mapstr.M{
					"zoom":  mapstr.M(obj),
					"event": mapstr.M{"id": contract.DeliveryID(raw), "created": common.Time(receivedAt)},
				},
			}
		}
	}
	body, _, err := contract.DecodeNotification(raw, false)
	if err != nil {
		t.Fatalf("sample is not a valid notification: %v", err)
	}
	return &beat.Event{
		Timestamp: receivedAt,
		Fields: mapstr.M{
			"zoom":  body,
			"event": mapstr.M{"id": contract.DeliveryID(raw), "created": common.Time(receivedAt)},
		},
	}
}

func mustProcessor(t testing.TB, mutate func(*config)) *processor {
	t.Helper()
	cfg := defaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	p, err := newProcessor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// document runs the processor and returns the document as an output writes
// it: JSON, decoded with exact numbers.
func document(t testing.TB, p *processor, raw []byte) map[string]any {
	t.Helper()
	ev, err := p.Run(inputEvent(t, raw))
	if err != nil {
		t.Fatalf("processor error: %v", err)
	}
	doc := ev.Fields.Clone()
	doc["@timestamp"] = ev.Timestamp
	b, err := json.Marshal(emptyListsAsLibbeat(doc))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// emptyListsAsLibbeat makes the empty lists that the decoder leaves nil (as
// libbeat's normalization does) []any{}: libbeat's encoder writes both as
// [], encoding/json a nil one as null, and the goldens hold what Filebeat
// writes (the e2e tests compare its output with them).
func emptyListsAsLibbeat(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = emptyListsAsLibbeat(e)
		}
	case mapstr.M:
		return emptyListsAsLibbeat(map[string]any(t))
	case []any:
		if t == nil {
			return []any{}
		}
		for i, e := range t {
			t[i] = emptyListsAsLibbeat(e)
		}
	}
	return v
}

// flatten lists a document's leaves by dotted path; arrays of scalars stay
// one leaf, arrays of objects are walked with their index in the path.
func flatten(prefix string, v any, out map[string]any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		objects := false
		for _, e := range t {
			if _, ok := e.(map[string]any); ok {
				objects = true
			}
		}
		if !objects {
			out[prefix] = v
			return
		}
		for i, e := range t {
			flatten(fmt.Sprintf("%s.%d", prefix, i), e, out)
		}
	default:
		out[prefix] = v
	}
}

// diffDocs names every field that differs between two documents.
func diffDocs(got, want map[string]any) []string {
	g, w := map[string]any{}, map[string]any{}
	flatten("", got, g)
	flatten("", want, w)
	keys := map[string]bool{}
	for k := range g {
		keys[k] = true
	}
	for k := range w {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		gv, gok := g[k]
		wv, wok := w[k]
		switch {
		case !gok:
			diffs = append(diffs, fmt.Sprintf("field %s: missing, want %s", k, js(wv)))
		case !wok:
			diffs = append(diffs, fmt.Sprintf("field %s: unexpected %s", k, js(gv)))
		case js(gv) != js(wv):
			diffs = append(diffs, fmt.Sprintf("field %s: got %s, want %s", k, js(gv), js(wv)))
		}
	}
	sort.Strings(diffs)
	return diffs
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
