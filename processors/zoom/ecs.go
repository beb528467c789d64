// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"net/url"
	"slices"
	"strings"
	"time"
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
// adds its identifiers to related.user; an empty person writes nothing.
func (m *mapping) setPerson(prefix string, p person, related *relatedUsers) {
	if p.empty() {
		return
	}
	obj := m.object(nil, prefix) // found once, not per field
	for _, f := range [...]struct{ key, v string }{{"id", p.id}, {"email", p.email}, {"name", p.name}, {"full_name", p.fullName}} {
		if f.v != "" {
			obj[f.key] = f.v
			related.add(f.v)
		}
	}
	if i := strings.LastIndexByte(p.email, '@'); i > 0 && i < len(p.email)-1 {
		obj["domain"] = p.email[i+1:]
	}
}

// operator is who performed the action, from payload.operator(_id) and,
// where Zoom gives it, operator_name.
func (m *mapping) operator() person {
	op := m.str("zoom.operator")
	p := person{id: m.str("zoom.operator_id"), fullName: m.str("zoom.operator_name")}
	if strings.Contains(op, "@") {
		p.email = op
	} else {
		p.name = op
	}
	return p
}

func (m *mapping) userAt(prefix string) person {
	obj := m.find(prefix) // found once, not per field; nil reads as empty
	return person{
		id:       str(obj, "id"),
		email:    str(obj, "email"),
		fullName: firstNonEmpty(fullName(str(obj, "first_name"), str(obj, "last_name")), str(obj, "display_name")),
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

// notice is what the ECS step of one notification gathers: the family and
// action of its name, who acted, on whom, and every user it relates.
type notice struct {
	family, action string
	actor, target  person
	related        relatedUsers
}

// familyMappers fill the ECS fields that depend on a notification's family,
// one function per family in family_<family>.go, for the families that need
// code. Which families are known is the schema's to say (fieldTree.family):
// adding an event takes its category in events.yml, its fields in the
// webhook fileset's fields.yml, and, when it needs more than the family
// does already, its family's file. A family the schema does not declare is
// mapped by mapUnknownFamily.
var familyMappers = map[string]func(*mapping, *notice){
	"account":      mapAccount,
	"user":         mapUser,
	"meeting":      mapMeeting,
	"webinar":      mapMeeting,
	"recording":    mapRecording,
	"chat_channel": mapChatChannel,
	"chat_message": mapChatMessage,
	"phone":        mapPhone,
	"zoomroom":     mapZoomRoom,
	"app":          mapApp,
	"team_chat":    mapTeamChat,
	"whiteboard":   mapWhiteboard,
	"mail":         mapMail,

	"group":    mapGroup,
	"calendar": mapCalendar,
}

// ecs fills the ECS fields of a notification of the given event name.
func (m *mapping) ecs(name, family string) {
	n := &notice{family: family, action: strings.TrimPrefix(name, family+"."), actor: m.operator()}
	switch mapFamily, ok := familyMappers[family]; {
	case ok:
		mapFamily(m, n)
	case m.tree.family(family) == nil:
		mapUnknownFamily(m, n)
	}
	m.setPerson("user", n.actor, &n.related)
	m.setPerson("user.target", n.target, &n.related)
	m.setRelated(n.related)
}

// targetOneOrRelate makes the one user an event is about its target
// (user.target); an event about several relates them all instead, as
// user.target holds one user.
func (n *notice) targetOneOrRelate(people []person) {
	if len(people) == 1 {
		n.target = people[0]
		return
	}
	for _, p := range people {
		n.related.add(p.id, p.email, p.fullName)
	}
}

// peopleOf reads the objects of a list of users (members, collaborators...)
// as people, each family's keys read by as; other elements are skipped.
func peopleOf(list any, as func(map[string]any) person) []person {
	objs := objectsOf(list)
	people := make([]person, len(objs))
	for i, o := range objs {
		people[i] = as(o)
	}
	return people
}

// setRelated writes related.user, sorted, once for the document.
func (m *mapping) setRelated(related relatedUsers) {
	if len(related) == 0 {
		return
	}
	slices.Sort(related)
	m.set("related.user", []string(slices.Clip(slices.Compact(related))))
}

// relatedUsers collects what goes to related.user: a list, sorted and made
// unique once in setRelated, rather than a set, because a notification
// relates a handful of values and a map cost an allocation and a hash each.
type relatedUsers []string

func (r *relatedUsers) add(vs ...string) {
	for _, v := range vs {
		if v != "" {
			*r = append(*r, v)
		}
	}
}

func (m *mapping) raw(path string) any {
	v, _ := m.get(path)
	return v
}

func str(obj map[string]any, key string) string {
	switch v := obj[key].(type) {
	case string:
		return v
	case nil:
		return "" // absent: not worth toKeyword's error
	default:
		s, _ := toKeyword(v)
		return s
	}
}

// hostOf is the host of a meeting, webinar or recording object.
func hostOf(obj map[string]any) person {
	return person{id: str(obj, "host_id"), email: str(obj, "host_email")}
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
