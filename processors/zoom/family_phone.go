// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"strings"
	"time"
)

// mapPhone maps phone.* events: the two parties of a call onto source.user
// (caller) and destination.user (callee); the actor is the party the event
// is about.
func mapPhone(m *mapping, n *notice) {
	party := func(prefix string) person {
		return person{id: m.str(prefix + ".user_id"), name: m.str(prefix + ".name")}
	}
	switch logs := objectsOf(m.raw("zoom.phone.call_logs")); {
	case len(logs) == 1:
		m.liftCallLog(logs[0])
	case len(logs) > 1: // no one pair is the event's: the parties are related only
		for _, l := range logs {
			n.related.add(str(l, "caller_user_id"), str(l, "callee_user_id"))
		}
	}
	caller, callee := party("zoom.phone.caller"), party("zoom.phone.callee")
	m.setPerson("source.user", caller, &n.related)
	m.setPerson("destination.user", callee, &n.related)
	switch {
	case strings.HasPrefix(n.action, "caller_") && !caller.empty():
		n.actor = caller
	case strings.HasPrefix(n.action, "callee_") && !callee.empty():
		n.actor = callee
	case n.actor.empty():
		n.actor = person{id: m.str("zoom.phone.user_id")}
	}
	m.setURL(m.str("zoom.phone.download_url"))

	if t, ok := m.time("zoom.phone.date_time"); ok { // voicemail: duration in seconds
		secs, _ := m.long("zoom.phone.duration")
		m.setSpan(t, time.Time{}, time.Duration(secs)*time.Second)
		return
	}
	var start time.Time
	for _, p := range []string{"answer_start_time", "connected_start_time", "ringing_start_time"} {
		if t, ok := m.time("zoom.phone." + p); ok {
			start = t
			break
		}
	}
	end, hasEnd := m.time("zoom.phone.call_end_time")
	switch {
	case !start.IsZero():
		m.setSpan(start, end, 0)
	case hasEnd:
		m.set("event.end", end)
	}
}

// liftCallLog copies the parties and time of a call-log event's only log to
// the event, where the call events have them (zoom.phone.caller.*,
// event.start and event.duration): Zoom sends one log per completed call,
// and rules and dashboards should not have to look inside the nested list
// for them. The log's flat party keys (caller_number...) find their fields
// as the voicemail's do (prefixedKey). The log itself stays whole in
// zoom.phone.call_logs.
func (m *mapping) liftCallLog(l map[string]any) {
	for k, v := range l {
		if !strings.HasPrefix(k, "caller_") && !strings.HasPrefix(k, "callee_") {
			continue
		}
		if n := prefixedKey(m.tree, "zoom.phone", k); n != nil {
			m.set(n.Path, v)
		}
	}
	if t, ok := asTime(l["date_time"]); ok {
		secs, _ := l["duration"].(int64)
		m.setSpan(t, time.Time{}, time.Duration(secs)*time.Second)
	}
}
