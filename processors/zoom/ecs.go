// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// person is a user as ECS describes one (user.*, user.target.*,
// source.user.*...).
type person struct {
	id, email, name, fullName string
}

func (p person) empty() bool { return p.id == "" && p.email == "" && p.name == "" && p.fullName == "" }

// fullName joins first and last names as Zoom splits them.
func fullName(first, last string) string {
	return strings.TrimSpace(first + " " + last)
}

// setPerson writes p under prefix (user, user.target, source.user...) and
// adds its identifiers to related.user.
func (m *mapping) setPerson(prefix string, p person, related map[string]bool) {
	m.set(prefix+".id", p.id)
	m.set(prefix+".email", p.email)
	m.set(prefix+".name", p.name)
	m.set(prefix+".full_name", p.fullName)
	for _, v := range []string{p.id, p.email, p.name, p.fullName} {
		if v != "" {
			related[v] = true
		}
	}
	if i := strings.LastIndexByte(p.email, '@'); i > 0 {
		m.set(prefix+".domain", p.email[i+1:])
	}
}

// operator is who performed the action, from payload.operator(_id).
func (m *mapping) operator() person {
	op := m.str("zoom.operator")
	p := person{id: m.str("zoom.operator_id")}
	if strings.Contains(op, "@") {
		p.email = op
	} else {
		p.name = op
	}
	return p
}

func (m *mapping) userAt(prefix string) person {
	return person{
		id:       m.str(prefix + ".id"),
		email:    m.str(prefix + ".email"),
		fullName: firstNonEmpty(fullName(m.str(prefix+".first_name"), m.str(prefix+".last_name")), m.str(prefix+".display_name")),
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// ecs fills the ECS fields of a notification of the given event name.
func (m *mapping) ecs(name, family string) {
	related := map[string]bool{}
	actor, target := m.operator(), person{}
	action := strings.TrimPrefix(name, family+".")

	switch family {
	case "account":
		if action == "created" {
			// A sub account was created under the master account that
			// the notification is for; its owner is the target.
			m.set("zoom.master_account_id", m.str("zoom.account_id"))
			m.set("zoom.sub_account_id", m.str("zoom.account.id"))
			target = person{id: m.str("zoom.account.owner_id"), email: m.str("zoom.account.owner_email")}
		}

	case "user":
		u := m.userAt("zoom.user")
		switch action {
		case "signed_in", "signed_out", "presence_status_updated", "personal_notes_updated", "invitation_accepted":
			// The user acts on themselves.
			if actor.empty() {
				actor = u
			} else {
				target = u
			}
		case "updated":
			target = person{id: u.id}
			if old, ok := asMap(m.raw("zoom.old_values")); ok {
				if e, _ := old["email"].(string); e != "" {
					target.email = e
				}
			}
			// A name change shows as a full name only when both parts came.
			changes := person{email: u.email}
			if m.str("zoom.user.first_name") != "" && m.str("zoom.user.last_name") != "" {
				changes.fullName = u.fullName
			}
			if !changes.empty() {
				m.setPerson("user.changes", changes, related)
			}
		default:
			target = u
		}
		if t, ok := m.time("zoom.user.date_time"); ok {
			m.set("event.start", t)
		}

	case "meeting", "webinar":
		if action == "risk_alert" {
			// Zoom found the meeting's link in a public post: the post is
			// the URL of the alert, and the host the user it concerns.
			m.setURL(m.str("zoom.meeting.armn_details.social_link"))
			if actor.empty() {
				actor = person{id: m.str("zoom.meeting.host_id"), email: m.str("zoom.meeting.host_email")}
			}
			if t, ok := m.time("zoom.meeting.armn_details.post_time"); ok {
				m.set("event.start", t)
			}
		}
		m.setURL(m.str("zoom." + family + ".join_url"))
		m.addRelated(related, m.str("zoom."+family+".host_id"), m.str("zoom."+family+".host_email"))
		if p := m.participant(); !p.empty() {
			switch action {
			case "participant_role_changed":
				target = p // the host or a co-host changed it; Zoom does not say who
			case "participant_put_in_waiting_room", "participant_admitted":
				if actor.empty() {
					actor = p
				} else {
					target = p
				}
			default:
				actor = p
			}
			m.participantTimes()
			if u := m.str("zoom.participant.sharing_details.file_link"); u != "" {
				m.setURL(u)
			}
		} else if action != "risk_alert" {
			m.sessionTimes("zoom." + family)
		}
		if r := m.registrant(); !r.empty() {
			if action == "registration_created" || actor.empty() {
				actor = r
			} else {
				target = r
			}
			m.setURL(m.str("zoom.registrant.join_url"))
		}
		for _, cm := range []string{"zoom." + family + ".chat_message", "zoom." + family + ".chat_message_file"} {
			if m.str(cm+".sender_name") != "" || m.str(cm+".sender_email") != "" {
				actor = person{email: m.str(cm + ".sender_email"), name: m.str(cm + ".sender_name")}
				if m.str(cm+".recipient_email") != "" || m.str(cm+".recipient_type") == "individual" {
					target = person{email: m.str(cm + ".recipient_email"), name: m.str(cm + ".recipient_name")}
				}
			}
		}
		m.setURL(m.str("zoom." + family + ".chat_message_file.download_url"))
		m.setURL(m.str("zoom." + family + ".live_streaming.custom_live_streaming_settings.page_url"))
		if shared, _ := m.raw("zoom." + family + ".share_with_users").([]mapstr.M); len(shared) > 0 {
			// A summary shared with one user targets them; with more,
			// they are all related.
			for _, u := range shared {
				email, _ := u["user_email"].(string)
				if len(shared) == 1 {
					target = person{email: email}
				} else {
					m.addRelated(related, email)
				}
			}
		}

	case "recording":
		if actor.empty() {
			actor = person{id: m.str("zoom.recording.host_id"), email: m.str("zoom.recording.host_email")}
		} else {
			m.addRelated(related, m.str("zoom.recording.host_id"), m.str("zoom.recording.host_email"))
		}
		if r := m.registrant(); !r.empty() {
			target = r
		}
		m.setURL(m.str("zoom.recording.share_url"))
		if start, ok := m.time("zoom.recording.recording_file.recording_start"); ok {
			end, _ := m.time("zoom.recording.recording_file.recording_end")
			m.setSpan(start, end, 0)
		} else if start, ok := m.time("zoom.recording.start_time"); ok {
			minutes, _ := m.long("zoom.recording.duration")
			m.setSpan(start, time.Time{}, time.Duration(minutes)*time.Minute)
		}

	case "chat_channel":
		members, _ := m.raw("zoom.chat_channel.members").([]any)
		for _, e := range members {
			mm, _ := asMap(e)
			p := person{id: str(mm, "id"), email: str(mm, "email"), fullName: firstNonEmpty(str(mm, "display_name"), fullName(str(mm, "first_name"), str(mm, "last_name")))}
			if len(members) == 1 {
				target = p
			} else {
				m.addRelated(related, p.id, p.email, p.fullName)
			}
		}

	case "chat_message":
		if e, id := m.str("zoom.chat_message.contact_email"), m.str("zoom.chat_message.contact_id"); e != "" || id != "" {
			target = person{id: id, email: e}
		}

	case "phone":
		m.phone(action, &actor, related)

	case "zoomroom":
		if t, ok := m.time("zoom.zoomroom.timestamp"); ok {
			m.set("event.start", t)
		}

	case "app":
		// The user who removed the app; Zoom names only their id.
		if actor.empty() {
			actor = person{id: m.str("zoom.app.user_id")}
		}
		if t, ok := m.time("zoom.app.deauthorization_time"); ok {
			m.set("event.start", t)
		}

	case "team_chat":
		if e, id := m.str("zoom.team_chat.contact_email"), m.str("zoom.team_chat.contact_id"); e != "" || id != "" {
			target = person{id: id, email: e}
		}
		inv := "zoom.team_chat.invitee"
		if p := (person{id: m.str(inv + ".user_id"), email: m.str(inv + ".user_email"), fullName: m.str(inv + ".display_name")}); !p.empty() {
			target = p
		}

	case "whiteboard":
		// Sharing with one user or channel targets it; with more, they
		// are all related. The owner is related too.
		collaborators, _ := m.raw("zoom.whiteboard.collaborators").([]mapstr.M)
		for _, c := range collaborators {
			p := person{id: str(c, "user_id"), email: str(c, "email"), fullName: str(c, "collaborator_name")}
			if len(collaborators) == 1 {
				target = p
			} else {
				m.addRelated(related, p.id, p.email, p.fullName)
			}
		}
		m.addRelated(related, m.str("zoom.whiteboard.owner_id"))

	default:
		// A family zoombeat has no fields for: its object is kept in
		// zoom.unmapped, where most families name its owner alike.
		if actor.empty() {
			actor = m.objectOwner()
		}
	}

	if !actor.empty() {
		m.setPerson("user", actor, related)
	}
	if !target.empty() {
		m.setPerson("user.target", target, related)
	}
	m.setRelated(related)
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

// setRelated writes related.user, sorted, once for the document.
func (m *mapping) setRelated(related map[string]bool) {
	if len(related) == 0 {
		return
	}
	list := make([]string, 0, len(related))
	for v := range related {
		list = append(list, v)
	}
	sort.Strings(list)
	m.set("related.user", list)
}

func (m *mapping) raw(path string) any {
	v, _ := m.fields.GetValue(path)
	return v
}

func str(obj map[string]any, key string) string {
	s, _ := toKeyword(obj[key])
	return s
}

func (m *mapping) addRelated(related map[string]bool, vs ...string) {
	for _, v := range vs {
		if v != "" {
			related[v] = true
		}
	}
}

func (m *mapping) participant() person {
	return person{
		id:       firstNonEmpty(m.str("zoom.participant.id"), m.str("zoom.participant.participant_user_id")),
		email:    m.str("zoom.participant.email"),
		fullName: m.str("zoom.participant.user_name"),
	}
}

func (m *mapping) registrant() person {
	return person{
		id:       m.str("zoom.registrant.id"),
		email:    m.str("zoom.registrant.email"),
		fullName: fullName(m.str("zoom.registrant.first_name"), m.str("zoom.registrant.last_name")),
	}
}

// sessionTimes sets event.start/end/duration of a meeting or webinar: the
// actual span when it has ended, else the scheduled one (duration in
// minutes).
func (m *mapping) sessionTimes(prefix string) {
	start, ok := m.time(prefix + ".start_time")
	if !ok {
		return
	}
	end, _ := m.time(prefix + ".end_time")
	minutes, _ := m.long(prefix + ".duration")
	m.setSpan(start, end, time.Duration(minutes)*time.Minute)
}

func (m *mapping) participantTimes() {
	join, hasJoin := m.time("zoom.participant.join_time")
	leave, hasLeave := m.time("zoom.participant.leave_time")
	switch {
	case hasJoin:
		m.setSpan(join, leave, 0)
	case hasLeave:
		m.set("event.end", leave)
	}
	if ip := firstNonEmpty(m.str("zoom.participant.public_ip"), m.str("zoom.participant.private_ip")); ip != "" {
		m.set("source.ip", ip)
		var ips []string
		for _, p := range []string{"zoom.participant.public_ip", "zoom.participant.private_ip"} {
			if v := m.str(p); v != "" {
				ips = append(ips, v)
			}
		}
		m.set("related.ip", ips)
	}
}

// setSpan sets event.start, and event.end and event.duration (nanoseconds)
// from an end time or, failing that, a duration.
func (m *mapping) setSpan(start, end time.Time, d time.Duration) {
	m.set("event.start", start)
	switch {
	case !end.IsZero() && !end.Before(start):
		m.set("event.end", end)
		m.set("event.duration", end.Sub(start).Nanoseconds())
	case d > 0:
		m.set("event.end", start.Add(d))
		m.set("event.duration", d.Nanoseconds())
	}
}

// setURL fills url.* from the first URL an event carries (already redacted).
func (m *mapping) setURL(raw string) {
	if raw == "" || m.str("url.full") != "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return
	}
	m.set("url.full", raw)
	m.set("url.scheme", u.Scheme)
	m.set("url.domain", u.Hostname())
	m.set("url.path", u.Path)
	m.set("url.query", u.RawQuery)
	if p := u.Port(); p != "" {
		if n, err := toLong(p); err == nil {
			m.set("url.port", n)
		}
	}
}

// phone maps the two parties of a call onto source.user (caller) and
// destination.user (callee); the actor is the party the event is about.
func (m *mapping) phone(action string, actor *person, related map[string]bool) {
	party := func(prefix string) person {
		return person{id: m.str(prefix + ".user_id"), name: m.str(prefix + ".name")}
	}
	caller, callee := party("zoom.phone.caller"), party("zoom.phone.callee")
	if !caller.empty() {
		m.setPerson("source.user", caller, related)
	}
	if !callee.empty() {
		m.setPerson("destination.user", callee, related)
	}
	switch {
	case strings.HasPrefix(action, "caller_") && !caller.empty():
		*actor = caller
	case strings.HasPrefix(action, "callee_") && !callee.empty():
		*actor = callee
	case actor.empty():
		*actor = person{id: m.str("zoom.phone.user_id")}
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
