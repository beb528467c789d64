// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

// mapChatChannel maps chat_channel.* events: the member an event is about, or every member as related.
func mapChatChannel(m *mapping, n *notice) {
	n.targetOneOrRelate(peopleOf(m.raw("zoom.chat_channel.members"), func(mm map[string]any) person {
		return person{id: str(mm, "id"), email: str(mm, "email"), fullName: firstNonEmpty(str(mm, "display_name"), fullName(str(mm, "first_name"), str(mm, "last_name")))}
	}))
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
		if p := teamChatUser(m.find(who)); !p.empty() {
			n.target = p
		}
	}
	// An invitation waiting for an admin's approval names no operator: its
	// one inviter is who acted.
	if inviters := objectsOf(m.raw("zoom.team_chat.inviters")); n.actor.empty() && len(inviters) == 1 {
		n.actor = teamChatUser(inviters[0])
	}
	// Users invited to or removed from a shared space.
	n.targetOneOrRelate(peopleOf(m.raw("zoom.team_chat.members"), teamChatUser))
}

// teamChatUser reads a Team Chat user object: an invitee, a requester, an
// inviter or a shared space's member.
func teamChatUser(o map[string]any) person {
	return person{id: str(o, "user_id"), email: str(o, "user_email"), fullName: str(o, "display_name")}
}
