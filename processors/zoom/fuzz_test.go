// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// FuzzProcessor maps arbitrary notifications. Whatever their shape, the
// processor returns the event (never drops it, never errors), names the
// action, and the document encodes as JSON and indexes cleanly under the
// exported template (indexcheck). Seeds are the samples.
func FuzzProcessor(f *testing.F) {
	for _, pl := range payloads(f) {
		f.Add(pl.raw)
	}
	f.Add([]byte(`{"event":"meeting.started","payload":{"object":[1,2]}}`))
	f.Add([]byte(`{"event":"phone.callee_ended","event_ts":"x","payload":{"object":{"caller":"a","callee":{"user_id":{}}}}}`))
	f.Add([]byte(`{"event":"recording.completed","payload":{"object":{"recording_files":[1,{"file_size":"big"}]}}}`))
	f.Add([]byte(`{"event":"chat_channel.member_joined","payload":{"object":{"members":"all"}}}`))
	f.Add([]byte(`{"event":"x","payload":null}`))
	f.Add([]byte(`{"event":"meeting.started","event_ts":1e300,"payload":{"object":{"id":18446744073709551616,"start_time":"99999-01-01T00:00:00Z","x":[[[{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":{"r":{"s":{"t":{"u":1}}}}}}}}}}}}}}}}}}}}}]]]}}}`))
	p := mustProcessor(f, nil)
	m := mappings(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		body, name, err := contract.DecodeNotification(raw, false)
		if err != nil {
			return // the input answers 400; the processor never sees it
		}
		ev, err := p.Run(&beat.Event{Timestamp: receivedAt, Fields: mapstr.M{"zoom": body}})
		if err != nil || ev == nil {
			t.Fatalf("Run: %v, %v", ev, err)
		}
		if got, _ := ev.Fields.GetValue("event.action"); got != name {
			t.Fatalf("event.action %v, want %q", got, name)
		}
		kind, _ := ev.Fields.GetValue("event.kind")
		msg, _ := ev.Fields.GetValue("error.message")
		if (kind == "pipeline_error") != (msg != nil) {
			t.Fatalf("event.kind %v with error.message %v", kind, msg)
		}
		doc := ev.Fields.Clone()
		doc["@timestamp"] = ev.Timestamp
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("document does not encode: %v", err)
		}
		var decoded map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&decoded); err != nil {
			t.Fatal(err)
		}
		if errs := m.Check(decoded); len(errs) > 0 {
			t.Fatalf("Elasticsearch would reject the document: %s", strings.Join(errs, "; "))
		}
	})
}

// FuzzRedactURL: the scanner masks exactly what the regular expression of
// the same rule (secretParam) masks, on any text.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{
		"https://example.zoom.us/j/123?pwd=abc123",
		"https://example.zoom.us/s/123?zak=eyJhbGci&pwd=x#frag",
		"join: https://zoom.us/j/1?PWD=Secret and https://zoom.us/j/2?tk=t0k&x=1",
		"?token=&access_token=a b?jwt=j\"x'<y>z",
		"a=b&c=d", "?pwd", "&pwd==", "?passcode=\tx", "&pwd=ab&pwd=cd", "?pwd=é&zak=\u212a",
		"https://zoom.us/rec/download/x?access_token=aa&jwt=bb&type=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := secretParam.ReplaceAllString(s, "${1}"+Redacted)
		if got := redactURL(s); got != want {
			t.Fatalf("redactURL(%q) = %q, the rule's regular expression gives %q", s, got, want)
		}
	})
}
