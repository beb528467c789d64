package zoom

import (
	"encoding/json"
	"testing"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/input/webhook"
)

// FuzzProcessor maps arbitrary notifications. Whatever their shape, the
// processor returns the event (never drops it, never errors), names the
// action, and the document still encodes as JSON. Seeds are the samples.
func FuzzProcessor(f *testing.F) {
	for _, pl := range payloads(f) {
		f.Add(pl.raw)
	}
	f.Add([]byte(`{"event":"meeting.started","payload":{"object":[1,2]}}`))
	f.Add([]byte(`{"event":"phone.callee_ended","event_ts":"x","payload":{"object":{"caller":"a","callee":{"user_id":{}}}}}`))
	f.Add([]byte(`{"event":"recording.completed","payload":{"object":{"recording_files":[1,{"file_size":"big"}]}}}`))
	f.Add([]byte(`{"event":"chat_channel.member_joined","payload":{"object":{"members":"all"}}}`))
	f.Add([]byte(`{"event":"x","payload":null}`))
	p := mustProcessor(f, nil)
	f.Fuzz(func(t *testing.T, raw []byte) {
		body, name, err := webhook.DecodeNotification(raw, false)
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
		if _, err := json.Marshal(ev.Fields); err != nil {
			t.Fatalf("document does not encode: %v", err)
		}
	})
}
