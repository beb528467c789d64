// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package detections

import (
	"regexp"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/elastic/beats/v7/libbeat/beat"
)

// publicRecordingRule is the rule whose match makes a recording public
// ("Zoom cloud recording sharing made public").
const publicRecordingRule = "9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b35"

// recordingDeletions are the actions that delete or trash a recording.
var recordingDeletions = map[string]bool{
	"recording.deleted": true, "recording.trashed": true, "recording.delete": true, "recording.trash": true,
}

const (
	// publicRecordingWindow is how long after a recording was made public
	// its deletion is marked: long enough for a leak to be noticed and the
	// recording removed to hide it.
	publicRecordingWindow = 7 * 24 * time.Hour
	// maxPublicRecordings bounds the recordings remembered, the least
	// recently made public forgotten first: far more than an account makes
	// public in a week.
	maxPublicRecordings = 100000
)

// operationRecordingID is the meeting id in parentheses that ends the
// target of a recording's operation log ("Quarterly access review
// (85746263467)").
var operationRecordingID = regexp.MustCompile(`\((\d{9,12})\)$`)

// recordingKey finds the meeting id of the recording an event is about:
// zoom.recording.id in webhook events, operationRecordingID in operation
// logs.
func recordingKey(ev *beat.Event) string {
	if v, _ := ev.Fields.GetValue("zoom.recording.id"); v != nil {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	if v, _ := ev.Fields.GetValue("zoom.operation.target"); v != nil {
		if s, ok := v.(string); ok {
			if m := operationRecordingID.FindStringSubmatch(s); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// publicRecordings remembers the recordings made public, and marks the
// deletion of one within publicRecordingWindow:
// zoom.detection.public_recording_deleted. Exposed, then deleted, is how a
// leak is hidden. It lives in memory: a restart forgets.
type publicRecordings struct {
	mu   sync.Mutex
	seen *lru.Cache[string, time.Time]
}

func newPublicRecordings() *publicRecordings {
	seen, err := lru.New[string, time.Time](maxPublicRecordings)
	if err != nil {
		panic(err) // the size is a positive constant
	}
	return &publicRecordings{seen: seen}
}

// annotate marks ev when it deletes a recording made public in the window.
func (r *publicRecordings) annotate(ev *beat.Event) {
	action, _ := ev.Fields.GetValue("event.action")
	if a, _ := action.(string); !recordingDeletions[a] {
		return
	}
	key := recordingKey(ev)
	if key == "" {
		return
	}
	r.mu.Lock()
	madePublic, ok := r.seen.Get(key)
	r.mu.Unlock()
	if ok && !ev.Timestamp.Before(madePublic) && ev.Timestamp.Sub(madePublic) <= publicRecordingWindow {
		_, _ = ev.Fields.Put("zoom.detection.public_recording_deleted", true)
	}
}

// remember records that ev, which matched publicRecordingRule, made its
// recording public.
func (r *publicRecordings) remember(ev *beat.Event) {
	if key := recordingKey(ev); key != "" {
		r.mu.Lock()
		r.seen.Add(key, ev.Timestamp)
		r.mu.Unlock()
	}
}
