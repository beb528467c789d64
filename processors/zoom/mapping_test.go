// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/generated"
)

// TestEveryLeafLands checks that no value of any sample payload is lost:
// each leaf appears somewhere in the document, as it was, as the same time,
// or masked by the redaction rules.
func TestEveryLeafLands(t *testing.T) {
	p := mustProcessor(t, nil)
	for _, pl := range payloads(t) {
		t.Run(pl.name, func(t *testing.T) {
			doc := document(t, p, pl.raw)
			have := map[string]bool{}
			collectScalars(doc, have)

			var body map[string]any
			require.NoError(t, json.Unmarshal(pl.raw, &body))
			leaves := map[string]any{}
			flatten("", body, leaves)
			for path, v := range leaves {
				if v == nil || path == "report" { // report: the input's tag, not Zoom's data
					continue
				}
				for _, s := range scalarsOf(v) {
					if s == "" {
						continue // "" is Zoom's "no value"; typed fields drop it
					}
					want := expectedForms(lastKey(path), s)
					found := false
					for _, w := range want {
						if have[w] {
							found = true
							break
						}
					}
					assert.True(t, found, "payload value %s = %q is not in the document (looked for %q)", path, s, want)
				}
			}
		})
	}
}

func scalarsOf(v any) []string {
	if list, ok := v.([]any); ok {
		var out []string
		for _, e := range list {
			out = append(out, scalarsOf(e)...)
		}
		return out
	}
	s, err := toKeyword(v)
	if err != nil {
		return nil
	}
	return []string{s}
}

func collectScalars(v any, have map[string]bool) {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			collectScalars(e, have)
		}
	case []any:
		for _, e := range t {
			collectScalars(e, have)
		}
	default:
		s, _ := toKeyword(v)
		have[s] = true
		if tm, err := toTime(s); err == nil && strings.Contains(s, "T") {
			have[tm.Format(time.RFC3339Nano)] = true
		}
	}
}

// expectedForms are the ways a payload value may appear in the document.
func expectedForms(key, s string) []string {
	if isSecretKey(key) {
		return []string{redactString(s)}
	}
	forms := []string{redactURL(s)}
	if tm, err := toTime(s); err == nil {
		forms = append(forms, tm.Format(time.RFC3339Nano))
	}
	return forms
}

// TestEveryDocumentedEventHasAPayload keeps the samples in step with the
// event names of the protocol notes: each has a sample and a category.
func TestEveryDocumentedEventHasAPayload(t *testing.T) {
	names := documentedEventNames(t)
	require.Greater(t, len(names), 80)
	samples := map[string]bool{}
	for _, pl := range payloads(t) {
		var body struct{ Event string }
		require.NoError(t, json.Unmarshal(pl.raw, &body))
		samples[body.Event] = true
	}
	tax, err := LoadTaxonomy()
	require.NoError(t, err)
	for _, n := range names {
		assert.True(t, samples[n], "no sample payload for %s", n)
		_, ok := tax.Lookup(n)
		assert.True(t, ok, "events.yml has no category for %s", n)
	}
	counts := map[string]int{}
	for _, pl := range payloads(t) {
		counts[filepath.Dir(pl.name)]++
	}
	// Five samples a family, or one per event where Zoom documents fewer.
	events := map[string]int{}
	for name := range tax {
		fam, _, _ := strings.Cut(name, ".")
		events[cmp.Or(familyGroups[fam], fam)]++
	}
	for fam := range familyMappers {
		want := min(5, max(events[fam], 1))
		assert.GreaterOrEqual(t, counts[fam], want, "family %s has fewer than %d samples", fam, want)
	}
}

// documentedEventNames reads the event names listed in the shared protocol
// notes, expanding their a|b shorthand and the webinar family.
func documentedEventNames(t *testing.T) []string {
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "zoom-protocol.md"))
	if err != nil {
		t.Skipf("protocol notes not beside the repository: %v", err)
	}
	defer f.Close()
	nameRE := regexp.MustCompile("`([a-z_]+\\.[a-z_|]+)`")
	var names []string
	inFamilies := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inFamilies = strings.HasPrefix(line, "## Event families")
			continue
		}
		if !inFamilies {
			continue
		}
		for _, mm := range nameRE.FindAllStringSubmatch(line, -1) {
			fam, rest, _ := strings.Cut(mm[1], ".")
			first, alts, _ := strings.Cut(rest, "|")
			names = append(names, fam+"."+first)
			// An alternative replaces as many trailing _-segments as it has:
			// sharing_started|ended, participant_jbh_waiting|jbh_joined.
			segs := strings.Split(first, "_")
			for _, a := range strings.Split(alts, "|") {
				if a == "" {
					continue
				}
				keep := max(0, len(segs)-len(strings.Split(a, "_")))
				names = append(names, fam+"."+strings.Join(append(segs[:keep:keep], a), "_"))
			}
		}
	}
	// "webinar: the meeting set with webinar." — as Zoom sends it.
	for _, n := range []string{"created", "updated", "deleted", "started", "ended", "alert", "registration_created",
		"registration_approved", "registration_cancelled", "registration_denied", "sharing_started", "sharing_ended",
		"participant_joined", "participant_left", "chat_message_sent"} {
		names = append(names, "webinar."+n)
	}
	return names
}

func TestTaxonomyIsECSLegal(t *testing.T) {
	tax, err := LoadTaxonomy()
	require.NoError(t, err)
	require.NotEmpty(t, tax)
	for name, c := range tax {
		assert.NoError(t, c.Validate(), name)
	}
	// The examples the mapping must follow.
	for name, want := range map[string]Category{
		"user.signed_in":             {Category: []string{"authentication"}, Type: []string{"start"}, Outcome: "success"},
		"user.created":               {Category: []string{"iam"}, Type: []string{"user", "creation"}, Outcome: "success"},
		"meeting.participant_joined": {Category: []string{"session"}, Type: []string{"start"}},
		"account.settings_updated":   {Category: []string{"configuration"}, Type: []string{"change"}, Outcome: "success"},
		"meeting.alert":              {Category: []string{"web"}, Type: []string{"error"}},
		"zoomroom.alert":             {Category: []string{"web"}, Type: []string{"error"}},
		"meeting.risk_alert":         {Category: []string{"threat"}, Type: []string{"indicator"}, Kind: "alert"},
		// Events no entry names, by the verb they end with.
		"whiteboard.project_created":   {Category: []string{"configuration"}, Type: []string{"creation"}, Outcome: "success"},
		"team_chat.channel_deleted":    {Category: []string{"configuration"}, Type: []string{"deletion"}, Outcome: "success"},
		"contact_center.queue_updated": {Category: []string{"configuration"}, Type: []string{"change"}, Outcome: "success"},
	} {
		got, ok := tax.Lookup(name)
		require.True(t, ok, name)
		assert.Equal(t, want, got, name)
	}
	// A verb that says nothing certain leaves the event uncategorized.
	for _, name := range []string{"docs.file_shared", "docs.file_opened", "zoom_mail.email_received"} {
		_, ok := tax.Lookup(name)
		assert.False(t, ok, name)
	}
	// Validate catches what ECS does not allow.
	assert.Error(t, Category{Category: []string{"authentication"}, Type: []string{"creation"}}.Validate())
	assert.Error(t, Category{Category: []string{"meetings"}, Type: []string{"info"}}.Validate())
	assert.Error(t, Category{Category: []string{"session"}, Type: []string{"start"}, Outcome: "ok"}.Validate())
	assert.Error(t, Category{Category: []string{"threat"}, Type: []string{"indicator"}, Kind: "warning"}.Validate())
}

func run(t *testing.T, p *processor, body string) mapstr.M {
	t.Helper()
	ev, err := p.Run(inputEvent(t, []byte(body)))
	require.NoError(t, err)
	ev.Fields["@timestamp"] = ev.Timestamp
	return ev.Fields
}

func get(m mapstr.M, path string) any {
	v, _ := m.GetValue(path)
	return v
}

func TestUnknownEventIsKept(t *testing.T) {
	p := mustProcessor(t, nil)
	doc := run(t, p, `{"event":"meeting.device_tested","event_ts":1732435200000,"payload":{"account_id":"A1","object":{"id":123,"topic":"T","brand_new_field":{"x":1}}}}`)
	assert.Equal(t, "meeting.device_tested", get(doc, "event.action"))
	assert.Equal(t, "event", get(doc, "event.kind"))
	assert.Nil(t, get(doc, "event.category"), "no category for an unknown name")
	assert.Nil(t, get(doc, "error.message"))
	assert.Equal(t, "123", get(doc, "zoom.meeting.id"))
	assert.Equal(t, "T", get(doc, "zoom.meeting.topic"))
	assert.Equal(t, map[string]any{"x": int64(1)}, get(doc, "zoom.unmapped").(map[string]any)["payload.object.brand_new_field"])

	doc = run(t, p, `{"event":"whiteboard.created","event_ts":1732435200000,"payload":{"account_id":"A1","operator":"op@example.com","object":{"id":"wb1"}}}`)
	assert.Equal(t, "whiteboard.created", get(doc, "event.action"))
	assert.Equal(t, "A1", get(doc, "zoom.account_id"))
	assert.Equal(t, "op@example.com", get(doc, "user.email"))
	assert.Equal(t, "wb1", get(doc, "zoom.unmapped").(map[string]any)["payload.object.id"], "an unknown family's object is kept")
	assert.Nil(t, get(doc, "error.message"))
	assert.Equal(t, []string{"creation"}, get(doc, "event.type"), "the verb says what happened")
	assert.Equal(t, time.UnixMilli(1732435200000).UTC(), get(doc, "@timestamp"), "@timestamp from event_ts")

	// Without an operator, the object's owner is the user.
	doc = run(t, p, `{"event":"docs.file_shared","event_ts":1732435200000,"payload":{"account_id":"A1","object":{"id":"d1","owner_id":"u-9","owner_email":"owner@example.com"}}}`)
	assert.Equal(t, "owner@example.com", get(doc, "user.email"))
	assert.Equal(t, "u-9", get(doc, "user.id"))
	assert.Nil(t, get(doc, "event.category"), "shared: no verb that makes a category certain")
}

func TestBadShapesAreReported(t *testing.T) {
	p := mustProcessor(t, nil)
	doc := run(t, p, `{"event":"meeting.started","event_ts":1732435200000,"payload":{"account_id":"A1","object":"not an object"}}`)
	assert.Equal(t, "pipeline_error", get(doc, "event.kind"))
	assert.Contains(t, get(doc, "error.message"), "zoom.meeting: payload.object is a string, not an object")
	assert.Equal(t, "not an object", get(doc, "zoom.unmapped").(map[string]any)["payload.object"])
	assert.Equal(t, "meeting.started", get(doc, "event.action"), "the document is produced anyway")

	doc = run(t, p, `{"event":"meeting.started","event_ts":"yesterday","payload":{"object":{"id":1,"start_time":"next tuesday","duration":"long","participant":{"public_ip":"999.1.1.1"}}}}`)
	assert.Equal(t, "pipeline_error", get(doc, "event.kind"))
	msg, _ := get(doc, "error.message").(string)
	for _, want := range []string{
		`@timestamp: is "yesterday", not a date`,
		`zoom.meeting.start_time: is "next tuesday", not a date`,
		`zoom.meeting.duration: is "long", not an integer`,
		`zoom.participant.public_ip: is "999.1.1.1", not an IP address`,
	} {
		assert.Contains(t, msg, want)
	}
	un := get(doc, "zoom.unmapped").(map[string]any)
	assert.Equal(t, "next tuesday", un["payload.object.start_time"])
	assert.Equal(t, "yesterday", un["event_ts"])
	assert.Equal(t, "1", get(doc, "zoom.meeting.id"))

	doc = run(t, p, `{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":1}}}`)
	assert.Equal(t, "event", get(doc, "event.kind"), "pipeline_error only for bad shapes")
}

func TestTimesBecomeDates(t *testing.T) {
	p := mustProcessor(t, nil)
	doc := run(t, p, `{"event":"meeting.ended","event_ts":1732435200123,"payload":{"object":{"id":1,
		"start_time":"2024-11-24T16:00:00.5Z","end_time":"2024-11-24T17:00:00+01:00","duration":60}}}`)
	assert.Equal(t, time.Date(2024, 11, 24, 8, 0, 0, 123e6, time.UTC), get(doc, "@timestamp"))
	start := time.Date(2024, 11, 24, 16, 0, 0, 5e8, time.UTC)
	end := time.Date(2024, 11, 24, 16, 0, 0, 0, time.UTC)
	assert.Equal(t, start, get(doc, "zoom.meeting.start_time"))
	assert.Equal(t, end, get(doc, "zoom.meeting.end_time"))
	assert.Equal(t, start, get(doc, "event.start"))
	assert.Equal(t, int64(time.Hour), get(doc, "event.duration"), "an end before the start is ignored for the scheduled duration")

	doc = run(t, p, `{"event":"meeting.created","event_ts":1732435200123,"payload":{"object":{"id":1,"start_time":"2024-11-24T16:00:00Z","duration":30}}}`)
	assert.Equal(t, int64(30*time.Minute), get(doc, "event.duration"), "minutes become nanoseconds")
	assert.Equal(t, time.Date(2024, 11, 24, 16, 30, 0, 0, time.UTC), get(doc, "event.end"))

	doc = run(t, p, `{"event":"chat_channel.updated","event_ts":1732435200123,"payload":{"object":{"id":"c","timestamp":1732435100000}}}`)
	assert.Equal(t, time.UnixMilli(1732435100000).UTC(), get(doc, "zoom.chat_channel.timestamp"), "epoch milliseconds")
}

func TestIDsStayExactStrings(t *testing.T) {
	p := mustProcessor(t, nil)
	doc := run(t, p, `{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":9223372036854775807,"host_id":12,"type":2}}}`)
	assert.Equal(t, "9223372036854775807", get(doc, "zoom.meeting.id"))
	assert.Equal(t, "12", get(doc, "zoom.meeting.host_id"))
	assert.Equal(t, "2", get(doc, "zoom.meeting.type"))
}

func TestRedaction(t *testing.T) {
	body := `{"event":"meeting.created","event_ts":1732435200000,"payload":{"operator":"a@example.com","object":{"id":1,
		"password":"p4ss","h323_password":"","join_url":"https://x.zoom.us/j/1?pwd=SeCrEt&uname=a",
		"start_url":"https://x.zoom.us/s/1?zak=T0KEN","settings":{"password":"p4ss","waiting_room":true}},
		"old_object":{"password":"old"}}}`
	doc := run(t, mustProcessor(t, nil), body)
	assert.Equal(t, Redacted, get(doc, "zoom.meeting.password"))
	assert.Equal(t, "", get(doc, "zoom.meeting.h323_password"), "an empty passcode stays visibly empty")
	assert.Equal(t, "https://x.zoom.us/j/1?pwd=REDACTED&uname=a", get(doc, "zoom.meeting.join_url"))
	assert.Equal(t, "https://x.zoom.us/j/1?pwd=REDACTED&uname=a", get(doc, "url.full"))
	assert.Equal(t, "https://x.zoom.us/s/1?zak=REDACTED", get(doc, "zoom.meeting.start_url"))
	assert.Equal(t, Redacted, get(doc, "zoom.settings.password"))
	assert.Equal(t, Redacted, get(doc, "zoom.old_values.password"))
	out, _ := json.Marshal(doc)
	for _, secret := range []string{"p4ss", "SeCrEt", "T0KEN", `"old"`} {
		assert.NotContains(t, string(out), secret)
	}

	doc = run(t, mustProcessor(t, func(c *config) { c.RedactSecrets = false }), body)
	assert.Equal(t, "p4ss", get(doc, "zoom.meeting.password"))
	assert.Equal(t, "https://x.zoom.us/j/1?pwd=SeCrEt&uname=a", get(doc, "zoom.meeting.join_url"))
}

func TestOtherEventsPassUntouched(t *testing.T) {
	p := mustProcessor(t, nil)
	for _, fields := range []mapstr.M{
		{"message": "a log line"},
		{"zoom": "a string"},
		{"zoom": mapstr.M{"meeting": mapstr.M{"id": "1"}}}, // already mapped
	} {
		ev := &beat.Event{Fields: fields.Clone()}
		out, err := p.Run(ev)
		require.NoError(t, err)
		assert.Equal(t, fields, out.Fields)
	}
}

// A document the input's mapping option made passes a zoom processor on the
// same input untouched: every sample, mapped once, stays as it is when
// mapped again (the README says `mapping` and `processors: [{zoom: ~}]` may
// meet).
func TestMappedDocumentsPassAgainUntouched(t *testing.T) {
	p := mustProcessor(t, nil)
	for _, pl := range payloads(t) {
		once, err := p.Run(inputEvent(t, pl.raw))
		require.NoError(t, err)
		want := once.Fields.StringToPrint()
		twice, err := p.Run(once)
		require.NoError(t, err)
		assert.JSONEq(t, want, twice.Fields.StringToPrint(), pl.name)
	}
}

// Documents share no list with the taxonomy or with each other: changing one
// document's event.category in place (as the pseudonymizer or a user's
// processor may) changes no other document.
func TestDocumentsShareNoLists(t *testing.T) {
	p := mustProcessor(t, nil)
	body := `{"event":"meeting.started","event_ts":1732435200000,"payload":{"account_id":"A","object":{"id":1,"host_id":"h"}}}`
	first := run(t, p, body)
	second := run(t, p, body)
	for _, key := range []string{"event.category", "event.type"} {
		list := get(first, key).([]string)
		require.NotEmpty(t, list, key)
		was := list[0]
		list[0] = "changed"
		assert.Equal(t, was, get(second, key).([]string)[0], key)
		assert.Equal(t, was, get(run(t, p, body), key).([]string)[0], "%s: the taxonomy is intact", key)
	}
}

func TestActorsAndTargets(t *testing.T) {
	p := mustProcessor(t, nil)
	cases := []struct {
		sample string
		want   map[string]any
	}{
		{"user/user.created", map[string]any{"user.email": "it-admin@example.com", "user.target.email": "jchill@example.com", "user.target.full_name": "Jill Chill", "zoom.creation_type": "create"}},
		{"user/user.signed_in", map[string]any{"user.email": "jill.chill@example.com", "user.id": "KDcuGIm1QgePTO8WbOqwIQ", "user.target.email": nil, "zoom.user.login_type": "101"}},
		{"meeting/meeting.participant_put_in_waiting_room", map[string]any{"user.email": "it-admin@example.com", "user.target.full_name": "Unknown Visitor", "source.ip": "198.51.100.23"}},
		{"meeting/meeting.participant_joined_waiting_room", map[string]any{"user.full_name": "Unknown Visitor", "source.ip": "198.51.100.23"}},
		{"meeting/meeting.registration_created", map[string]any{"user.email": "arivera@customer.example.net", "user.full_name": "Alex Rivera"}},
		{"meeting/meeting.registration_approved", map[string]any{"user.email": "it-admin@example.com", "user.target.email": "arivera@customer.example.net"}},
		{"phone/phone.callee_answered", map[string]any{"source.user.id": "KDcuGIm1QgePTO8WbOqwIQ", "destination.user.id": "cAlLeEuSeR02", "user.id": "cAlLeEuSeR02", "event.start": "2024-11-24T12:00:08Z"}},
		{"phone/phone.caller_ended", map[string]any{"user.id": "KDcuGIm1QgePTO8WbOqwIQ", "event.duration": json.Number("450000000000")}},
		{"chat_channel/chat_channel.member_invited", map[string]any{"user.target.email": "consultant@partner.example.org"}},
		{"chat_message/chat_message.sent.direct", map[string]any{"user.target.email": "consultant@partner.example.org", "user.email": "it-admin@example.com"}},
		{"recording/recording.completed", map[string]any{"zoom.recording.download_token": Redacted, "url.full": "https://example.zoom.us/rec/share/Zx8Yq?pwd=REDACTED"}},
	}
	for _, c := range cases {
		t.Run(c.sample, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "testing", "webhook", c.sample+".json"))
			require.NoError(t, err)
			doc := document(t, p, raw)
			flat := map[string]any{}
			flatten("", doc, flat)
			for k, want := range c.want {
				if want == nil {
					assert.NotContains(t, flat, k)
					continue
				}
				assert.Equal(t, fmt.Sprint(want), fmt.Sprint(flat[k]), k)
			}
			related := fmt.Sprint(flat["related.user"])
			for _, k := range []string{"user.id", "user.email", "user.target.email", "source.user.id"} {
				if v, ok := flat[k]; ok {
					assert.Contains(t, related, fmt.Sprint(v), "related.user holds %s", k)
				}
			}
		})
	}
}

// TestCallLogParties: a call-log event's only log gives the event its parties
// and span (the goldens show it); with several logs no one pair is the
// event's, so the parties stay in the list and are only related.
func TestCallLogParties(t *testing.T) {
	p := mustProcessor(t, nil)
	doc := run(t, p, `{"event":"phone.caller_call_log_completed","event_ts":1732440517701,"payload":{"account_id":"A1","object":{"user_id":"u1","call_logs":[
		{"id":"l1","caller_user_id":"u1","caller_number":"1001","callee_user_id":"u2","callee_number":"1002","date_time":"2024-11-24T12:00:00Z","duration":5},
		{"id":"l2","caller_user_id":"u1","caller_number":"1001","callee_user_id":"u3","callee_number":"1003","date_time":"2024-11-24T12:05:00Z","duration":9}]}}}`)
	assert.Nil(t, get(doc, "zoom.phone.callee"), "no one callee for two logs")
	assert.Nil(t, get(doc, "destination.user"))
	assert.Nil(t, get(doc, "event.start"))
	assert.Equal(t, "u1", get(doc, "user.id"))
	assert.Equal(t, []string{"u1", "u2", "u3"}, get(doc, "related.user"))
	assert.Len(t, get(doc, "zoom.phone.call_logs"), 2)
}

// TestEventCreatedFromInput: the time of receipt that the input sets as
// event.created (a common.Time, as libbeat's normalization makes it too) is
// the document's event.created, and its @timestamp when Zoom sent no event_ts.
func TestEventCreatedFromInput(t *testing.T) {
	p := mustProcessor(t, nil)
	received := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	ev := &beat.Event{
		Timestamp: received.Add(time.Hour), // not the time of receipt
		Fields: mapstr.M{
			"zoom":  mapstr.M{"event": "meeting.started", "payload": mapstr.M{"object": mapstr.M{"id": "1"}}},
			"event": mapstr.M{"id": "x", "created": common.Time(received)},
		},
	}
	out, err := p.Run(ev)
	require.NoError(t, err)
	created, err := out.Fields.GetValue("event.created")
	require.NoError(t, err)
	assert.Equal(t, received, created)
	assert.Equal(t, received, out.Timestamp, "no event_ts: @timestamp is the time of receipt")
}

// The gaps a review found: pwd= links inside free text, secret keys spelt
// with capitals (in zoom.unmapped), and event.original kept with every
// secret by preserve_original_event.
func TestRedactionGaps(t *testing.T) {
	body := `{"event":"meeting.created","event_ts":1732435200000,"payload":{"operator":"a@example.com","object":{"id":1,` +
		`"topic":"Board call https://x.zoom.us/j/1?pwd=T0pic&x=1 at noon",` +
		`"agenda":"Join: https://x.zoom.us/j/1?uname=a&PWD=Ag3nda.1 Host: https://x.zoom.us/s/1?zak=Z4K",` +
		`"Password":"Upp3r","custom":{"Host_Key":123456,"tokens":["a"],"Token":["L1st"]},` +
		`"start_url":"https://x.zoom.us/s/1?zak=St4rt"}}}`
	p := mustProcessor(t, nil)
	withOriginal := func() *beat.Event {
		ev := inputEvent(t, []byte(body))
		_, _ = ev.Fields.Put("event.original", body)
		return ev
	}
	out, err := p.Run(withOriginal())
	require.NoError(t, err)
	doc, _ := json.Marshal(out.Fields)
	for _, secret := range []string{"T0pic", "Ag3nda", "Z4K", "Upp3r", "123456", "L1st", "St4rt"} {
		assert.NotContains(t, string(doc), secret)
	}
	assert.Equal(t, "Board call https://x.zoom.us/j/1?pwd=REDACTED&x=1 at noon", get(out.Fields, "zoom.meeting.topic"))
	assert.Equal(t, "Join: https://x.zoom.us/j/1?uname=a&PWD=REDACTED Host: https://x.zoom.us/s/1?zak=REDACTED", get(out.Fields, "zoom.meeting.agenda"))

	orig := get(out.Fields, "event.original").(string)
	assert.JSONEq(t, `{"event":"meeting.created","event_ts":1732435200000,"payload":{"operator":"a@example.com","object":{"id":1,`+
		`"topic":"Board call https://x.zoom.us/j/1?pwd=REDACTED&x=1 at noon",`+
		`"agenda":"Join: https://x.zoom.us/j/1?uname=a&PWD=REDACTED Host: https://x.zoom.us/s/1?zak=REDACTED",`+
		`"Password":"REDACTED","custom":{"Host_Key":"REDACTED","tokens":["a"],"Token":["REDACTED"]},`+
		`"start_url":"https://x.zoom.us/s/1?zak=REDACTED"}}}`, orig)
	assert.True(t, strings.HasPrefix(orig, `{"event":"meeting.created","event_ts":1732435200000,`), "key order and spacing stay")

	// Without redaction event.original stays as it came.
	out, err = mustProcessor(t, func(c *config) { c.RedactSecrets = false }).Run(withOriginal())
	require.NoError(t, err)
	assert.Equal(t, body, get(out.Fields, "event.original"))
}

// A file sent in a meeting's chat is downloaded with a JWT in its URL.
func TestChatFileDownloadTokenIsRedacted(t *testing.T) {
	doc := run(t, mustProcessor(t, nil), `{"event":"meeting.chat_message_file_sent","event_ts":1732435200000,"payload":{"object":{"meeting_id":1,`+
		`"chat_message_file":{"file_name":"a.xlsx","download_url":"https://file.zoom.us/file/f1?jwt=eyJ.S3cr3t","sender_name":"G"}}}}`)
	assert.Equal(t, "https://file.zoom.us/file/f1?jwt=REDACTED", get(doc, "zoom.meeting.chat_message_file.download_url"))
	assert.Equal(t, "jwt=REDACTED", get(doc, "url.query"))
	assert.Equal(t, "1", get(doc, "zoom.meeting.id"), "meeting_id is the meeting's id")
}

func TestRedactJSONKeepsTheText(t *testing.T) {
	for in, want := range map[string]string{
		`{ "a" : [1, 2.5e3, true, null] ,"pwd":"x"}`:                          `{ "a" : [1, 2.5e3, true, null] ,"pwd":"x"}`,
		`{"password":null,"passcode":"","host_key":"k","u":"a?pwd=p\"q&b=1"}`: `{"password":null,"passcode":"","host_key":"REDACTED","u":"a?pwd=REDACTED\"q&b=1"}`,
		`{"s":"<b>&amp;?token=T\u00e9"}`:                                      `{"s":"<b>&amp;?token=REDACTED"}`,
		`not json ?pwd=abc`:                                                   `not json ?pwd=REDACTED`,
		`{"password":{"nested":"kept","token":"t"}}`:                          `{"password":{"nested":"kept","token":"REDACTED"}}`,
	} {
		assert.Equal(t, want, redactJSON(in), in)
	}
}

// Under Elastic Agent, event.dataset follows the stream's data stream.
func TestDatasetFollowsTheDataStream(t *testing.T) {
	p := mustProcessor(t, nil)
	ev := inputEvent(t, []byte(`{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":1}}}`))
	_, _ = ev.Fields.Put("data_stream", mapstr.M{"type": "logs", "dataset": "zoombeat.webhook", "namespace": "default"})
	out, err := p.Run(ev)
	require.NoError(t, err)
	assert.Equal(t, "zoombeat.webhook", get(out.Fields, "event.dataset"))
	assert.Equal(t, "zoom.webhook", get(run(t, p, `{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":1}}}`), "event.dataset"))
}

// docs/events.md is the table of events.yml.
func TestEventsDocIsCurrent(t *testing.T) {
	stale, err := generated.Stale(filepath.Join("..", ".."), Files)
	require.NoError(t, err)
	assert.Empty(t, stale, "run `go tool mage update`")
}

// TestObjectAdoptedInPlace: payload.object becomes zoom.<family> in place
// (adoptObject). Whatever order the notification's keys come in (maps
// iterate at random, so each case runs many times), values placed there by
// other keys stay, and an object left with nothing declared in it is not
// written as an empty one.
func TestObjectAdoptedInPlace(t *testing.T) {
	p := mustProcessor(t, nil)
	for range 30 {
		doc := run(t, p, `{"event":"recording.completed","event_ts":1732435200000,"download_token":"tok","payload":{"account_id":"A1","object":{"id":123,"topic":"T","total_size":"","brand_new":1}}}`)
		assert.Equal(t, Redacted, get(doc, "zoom.recording.download_token"))
		assert.Equal(t, "123", get(doc, "zoom.recording.id"))
		assert.Equal(t, "T", get(doc, "zoom.recording.topic"))
		assert.Nil(t, get(doc, "zoom.recording.total_size"), `"" is no size`)
		assert.Nil(t, get(doc, "zoom.recording.brand_new"))
		assert.Equal(t, int64(1), get(doc, "zoom.unmapped").(map[string]any)["payload.object.brand_new"])

		doc = run(t, p, `{"event":"meeting.participant_joined","event_ts":1732435200000,"payload":{"account_id":"A1","object":{"participant":{"user_id":"u1"},"start_time":"","id":null}}}`)
		assert.Equal(t, "u1", get(doc, "zoom.participant.user_id"))
		assert.Nil(t, get(doc, "zoom.meeting"), "no empty zoom.meeting")
		assert.Nil(t, get(doc, "error.message"))

		doc = run(t, p, `{"event":"meeting.started","event_ts":1732435200000,"payload":{"account_id":"A1","object":{"id":"1","duration":"long"}}}`)
		assert.Nil(t, get(doc, "zoom.meeting.duration"))
		assert.Equal(t, "long", get(doc, "zoom.unmapped").(map[string]any)["payload.object.duration"])
		assert.Contains(t, get(doc, "error.message"), "zoom.meeting.duration")
	}
}

// TestUnknownFamilyKeepsSharedGroups: in an event of a family zoombeat does
// not map, payload.object's participant, registrant and settings still go to
// the groups every family shares; only the rest lands in zoom.unmapped.
func TestUnknownFamilyKeepsSharedGroups(t *testing.T) {
	p := mustProcessor(t, nil)
	doc := run(t, p, `{"event":"docs.participant_joined","event_ts":1732435200000,"payload":{"account_id":"A1","object":{"id":"d1","participant":{"user_id":"u1","email":"u1@example.com"}}}}`)
	assert.Equal(t, "u1", get(doc, "zoom.participant.user_id"))
	assert.Equal(t, "d1", get(doc, "zoom.unmapped").(map[string]any)["payload.object.id"])
	assert.NotContains(t, get(doc, "zoom.unmapped"), "payload.object.participant")
}

// Mappings are reused from one event to the next (mappingPool): a document,
// once mapped, must not change when the next event is mapped, and nothing of
// it may show in the next one.
func TestMappingReuseLeavesNoTrace(t *testing.T) {
	p := mustProcessor(t, nil)
	first := run(t, p, `{"event":"meeting.started","event_ts":1732435200000,"payload":{"account_id":"A1","operator":"op@example.com","object":{"id":"1","duration":"long","brand_new":1,"host_id":"h1"}}}`)
	before, err := json.Marshal(first)
	require.NoError(t, err)
	for range 20 {
		next := run(t, p, `{"event":"meeting.ended","event_ts":1732435300000,"payload":{"account_id":"A2","object":{"id":"2","other_new":2}}}`)
		after, err := json.Marshal(first)
		require.NoError(t, err)
		assert.JSONEq(t, string(before), string(after), "the first document changed when the next one was mapped")
		assert.Equal(t, map[string]any{"payload.object.other_new": int64(2)}, get(next, "zoom.unmapped"))
		assert.Nil(t, get(next, "error.message"))
		assert.Nil(t, get(next, "zoom.meeting.host_id"))
		assert.Equal(t, "A2", get(next, "zoom.account_id"))
	}
}
