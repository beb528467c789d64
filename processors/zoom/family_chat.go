// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

// mapChatChannel maps chat_channel.* events: the member an event is about, or every member as related.
func mapChatChannel(m *mapping, n *notice) {
	members, _ := m.raw("zoom.chat_channel.members").([]any)
	for _, e := range members {
		mm, _ := asMap(e)
		p := person{id: str(mm, "id"), email: str(mm, "email"), fullName: firstNonEmpty(str(mm, "display_name"), fullName(str(mm, "first_name"), str(mm, "last_name")))}
		if len(members) == 1 {
			n.target = p
		} else {
			n.related.add(p.id, p.email, p.fullName)
		}
	}
}

// mapChatMessage maps chat_message.* events: the contact of a direct message is the target.
func mapChatMessage(m *mapping, n *notice) {
	if e, id := m.str("zoom.chat_message.contact_email"), m.str("zoom.chat_message.contact_id"); e != "" || id != "" {
		n.target = person{id: id, email: e}
	}
}

// mapTeamChat maps team_chat.* events: the contact a file was shared with, or the invitee, is the target.
func mapTeamChat(m *mapping, n *notice) {
	if e, id := m.str("zoom.team_chat.contact_email"), m.str("zoom.team_chat.contact_id"); e != "" || id != "" {
		n.target = person{id: id, email: e}
	}
	// The user invited to a channel, or asking to join it.
	for _, who := range [...]string{"zoom.team_chat.invitee", "zoom.team_chat.requester"} {
		if p := (person{id: m.str(who + ".user_id"), email: m.str(who + ".user_email"), fullName: m.str(who + ".display_name")}); !p.empty() {
			n.target = p
		}
	}
	// An invitation waiting for an admin's approval names no operator: its
	// one inviter is who acted.
	if inviters := objectsOf(m.raw("zoom.team_chat.inviters")); n.actor.empty() && len(inviters) == 1 {
		i := inviters[0]
		n.actor = person{id: str(i, "user_id"), email: str(i, "user_email"), fullName: str(i, "display_name")}
	}
	// Users invited to or removed from a shared space.
	if members := objectsOf(m.raw("zoom.team_chat.members")); len(members) > 0 {
		people := make([]person, len(members))
		for i, u := range members {
			people[i] = person{id: str(u, "user_id"), email: str(u, "user_email"), fullName: str(u, "display_name")}
		}
		n.targetOneOrRelate(people)
	}
}
