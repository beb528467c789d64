// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"strings"
)

// mapZoomRoom maps zoomroom.* events: the time of the room event.
func mapZoomRoom(m *mapping, n *notice) {
	if t, ok := m.time("zoom.zoomroom.timestamp"); ok {
		m.set("event.start", t)
	}
}

// mapApp maps app_deauthorized and app.* events: who removed the app,
// asked to install it, or reviewed that request.
func mapApp(m *mapping, n *notice) {
	// The user who removed the app (Zoom names only their id), or the
	// admin who reviewed a request to install it.
	if n.actor.empty() {
		n.actor = person{id: m.str("zoom.app.user_id"), email: m.str("zoom.app.reviewer_email"), fullName: m.str("zoom.app.reviewer_name")}
	}
	// A user's request to install the app: Zoom names the user, no more.
	if n.actor.empty() {
		n.actor = person{fullName: m.str("zoom.app.requester_name")}
	}
	// One user's request reviewed: that user is the target.
	if reqs, _ := m.raw("zoom.app.reviewed_requests").([]any); len(reqs) == 1 {
		if r, ok := asMap(reqs[0]); ok {
			n.target = person{id: str(r, "request_user_id"), email: str(r, "request_user_email"), fullName: str(r, "request_user_name")}
		}
	}
	if t, ok := m.time("zoom.app.deauthorization_time"); ok {
		m.set("event.start", t)
	}
}

// mapWhiteboard maps whiteboard.* events: the collaborators the whiteboard is shared with.
func mapWhiteboard(m *mapping, n *notice) {
	// The owner is related too.
	n.targetOneOrRelate(peopleOf(m.raw("zoom.whiteboard.collaborators"), func(c map[string]any) person {
		return person{id: str(c, "user_id"), email: str(c, "email"), fullName: str(c, "collaborator_name")}
	}))
	n.related.add(m.str("zoom.whiteboard.owner_id"))
}

// mapGroup maps group.* events: the group as ECS group.*, and the member or
// admin added or removed as the target.
func mapGroup(m *mapping, n *notice) {
	if id := m.str("zoom.group.id"); id != "" {
		m.set("group.id", id)
	}
	if name := m.str("zoom.group.name"); name != "" {
		m.set("group.name", name)
	}
	for _, list := range [...]string{"zoom.group.members", "zoom.group.admins"} {
		n.targetOneOrRelate(peopleOf(m.raw(list), func(u map[string]any) person {
			return person{id: str(u, "id"), email: str(u, "email")}
		}))
	}
}

// mapCalendar maps calendar.* events: the user an access rule is for is
// the target (acl_id user:<email>), and the calendar's owner is related.
func mapCalendar(m *mapping, n *notice) {
	if scope, value, ok := strings.Cut(m.str("zoom.calendar.acl_id"), ":"); ok && scope == "user" {
		n.target = person{email: value}
	}
	if owner := m.str("zoom.calendar.resource_id"); strings.Contains(owner, "@") {
		n.related.add(owner)
	}
}

// mapUnknownFamily maps events of a family zoombeat has no fields for.
func mapUnknownFamily(m *mapping, n *notice) {
	// A family zoombeat has no fields for: its object is kept in
	// zoom.unmapped, where most families name its owner alike.
	if n.actor.empty() {
		n.actor = m.objectOwner()
	}
}

// objectOwner is the user an event of an unknown family is about, from
// the keys by which Zoom's families name the owner, user or host of the
// event's object.
func (m *mapping) objectOwner() person {
	get := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := m.unmapped["payload.object."+k].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	return person{
		id:    get("owner_id", "user_id", "host_id", "creator_id"),
		email: get("owner_email", "user_email", "host_email", "creator_email", "email"),
		name:  get("owner_name", "user_name", "creator_name"),
	}
}

// mapMail maps mail.* events: the mailbox's owner is the target when the
// operator is someone else (a delegate), which is what access reviews ask.
func mapMail(m *mapping, n *notice) {
	if box := m.str("zoom.mail.email"); box != "" && !strings.EqualFold(box, m.str("zoom.operator")) {
		n.target = person{email: box}
	}
}
