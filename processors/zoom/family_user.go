// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

// mapUser maps user.* events: the user an event is about is the target, or the actor when they act on themselves.
func mapUser(m *mapping, n *notice) {
	u := m.userAt("zoom.user")
	switch n.action {
	case "signed_in", "signed_out", "presence_status_updated", "personal_notes_updated", "invitation_accepted":
		// The user acts on themselves.
		if n.actor.empty() {
			n.actor = u
		} else {
			n.target = u
		}
	case "updated":
		n.target = person{id: u.id}
		if old, ok := asMap(m.raw("zoom.old_values")); ok {
			if e, _ := old["email"].(string); e != "" {
				n.target.email = e
			}
		}
		// A name change shows as a full name only when both parts came.
		changes := person{email: u.email}
		if m.str("zoom.user.first_name") != "" && m.str("zoom.user.last_name") != "" {
			changes.fullName = u.fullName
		}
		m.setPerson("user.changes", changes, &n.related)
	default:
		n.target = u
	}
	if t, ok := m.time("zoom.user.date_time"); ok {
		m.set("event.start", t)
	}
}
