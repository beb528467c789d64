// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import "time"

// mapRecording maps recording.* events: the host, the share URL, the recording's span.
func mapRecording(m *mapping, n *notice) {
	if host := hostOf(m.find("zoom.recording")); n.actor.empty() {
		n.actor = host
	} else {
		n.related.add(host.id, host.email)
	}
	if r := m.registrant(); !r.empty() {
		n.target = r
	}
	m.setURL(m.str("zoom.recording.share_url"))
	if start, ok := m.time("zoom.recording.recording_file.recording_start"); ok {
		end, _ := m.time("zoom.recording.recording_file.recording_end")
		m.setSpan(start, end, 0)
	} else if start, ok := m.time("zoom.recording.start_time"); ok {
		minutes, _ := m.long("zoom.recording.duration")
		m.setSpan(start, time.Time{}, time.Duration(minutes)*time.Minute)
	}
}
