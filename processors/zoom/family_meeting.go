// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

// mapMeeting maps meeting.* and webinar.* events: participants, registrants, chat senders and recipients, URLs and times.
func mapMeeting(m *mapping, n *notice) {
	fam := m.find("zoom." + n.family) // the meeting or webinar, found once; nil reads as empty
	host := hostOf(fam)
	if n.action == "risk_alert" {
		// Zoom found the meeting's link in a public post: the post is
		// the URL of the alert, and the host the user it concerns.
		m.setURL(m.str("zoom.meeting.armn_details.social_link"))
		if n.actor.empty() {
			n.actor = host
		}
		if t, ok := m.time("zoom.meeting.armn_details.post_time"); ok {
			m.set("event.start", t)
		}
	}
	m.setURL(str(fam, "join_url"))
	n.related.add(host.id, host.email)
	if p := m.participant(); !p.empty() {
		switch n.action {
		case "participant_role_changed":
			n.target = p // the host or a co-host changed it; Zoom does not say who
		case "participant_put_in_waiting_room", "participant_admitted":
			if n.actor.empty() {
				n.actor = p
			} else {
				n.target = p
			}
		default:
			n.actor = p
		}
		m.participantTimes()
		if u := m.str("zoom.participant.sharing_details.file_link"); u != "" {
			m.setURL(u)
		}
	} else if n.action != "risk_alert" {
		m.sessionTimes("zoom." + n.family)
	}
	if r := m.registrant(); !r.empty() {
		if n.action == "registration_created" || n.actor.empty() {
			n.actor = r
		} else {
			n.target = r
		}
		m.setURL(m.str("zoom.registrant.join_url"))
	}
	for _, key := range [...]string{"chat_message", "chat_message_file"} {
		cm, _ := asMap(fam[key])
		if str(cm, "sender_name") != "" || str(cm, "sender_email") != "" {
			n.actor = person{email: str(cm, "sender_email"), name: str(cm, "sender_name")}
			if str(cm, "recipient_email") != "" || str(cm, "recipient_type") == "individual" {
				n.target = person{email: str(cm, "recipient_email"), name: str(cm, "recipient_name")}
			}
		}
	}
	if file, ok := asMap(fam["chat_message_file"]); ok {
		m.setURL(str(file, "download_url"))
	}
	m.setURL(m.str("zoom." + n.family + ".live_streaming.custom_live_streaming_settings.page_url"))
	if shared := objectsOf(fam["share_with_users"]); len(shared) > 0 {
		// A summary shared with one user targets them; with more,
		// they are all related.
		for _, u := range shared {
			email, _ := u["user_email"].(string)
			if len(shared) == 1 {
				n.target = person{email: email}
			} else {
				n.related.add(email)
			}
		}
	}
}
