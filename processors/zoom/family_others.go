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

// mapApp maps app_deauthorized and app.* events: who removed the app, or
// reviewed a request to install it.
func mapApp(m *mapping, n *notice) {
	// The user who removed the app (Zoom names only their id), or the
	// admin who reviewed a request to install it.
	if n.actor.empty() {
		n.actor = person{id: m.str("zoom.app.user_id"), email: m.str("zoom.app.reviewer_email"), fullName: m.str("zoom.app.reviewer_name")}
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
	// Sharing with one user or channel targets it; with more, they
	// are all related. The owner is related too.
	collaborators := objectsOf(m.raw("zoom.whiteboard.collaborators"))
	for _, c := range collaborators {
		p := person{id: str(c, "user_id"), email: str(c, "email"), fullName: str(c, "collaborator_name")}
		if len(collaborators) == 1 {
			n.target = p
		} else {
			n.related.add(p.id, p.email, p.fullName)
		}
	}
	n.related.add(m.str("zoom.whiteboard.owner_id"))
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
