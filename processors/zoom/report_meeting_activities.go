// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// mapMeetingActivity maps a meeting activity entry: who did what in which meeting.
func (p *processor) mapMeetingActivity(m *mapping, ev *beat.Event, entry map[string]any, related *relatedUsers) {
	category, _ := toKeyword(entry["activity_category"])
	action := "meeting_activity." + snake(category)
	p.common(m, ev, contract.Dataset(contract.ReportMeetingActivities), action, p.taxonomy, action)
	m.set("observer.product", "Meeting Activities")
	for k, v := range entry {
		m.placeAt("zoom.meeting_activity."+k, "entry."+k, v)
	}
	detail := m.str("zoom.meeting_activity.activity_detail")
	m.set("message", detail)
	// The meeting's id, where the webhook events put it, so that the
	// report and the notifications of one meeting join.
	m.set("zoom.meeting.id", m.str("zoom.meeting_activity.meeting_number"))
	m.setPerson("user", person{email: m.str("zoom.meeting_activity.operator_email"), fullName: m.str("zoom.meeting_activity.operator")}, related)
}
