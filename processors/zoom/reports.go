// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// reportMapping is how the entries of one report are mapped: mapEntry, a
// method in report_<report>.go, places the entry's fields, and group is the
// zoom.* group they go to, where the entry's time (contract.ReportTimeKeys)
// becomes @timestamp.
type reportMapping struct {
	mapEntry func(*processor, *mapping, *beat.Event, map[string]any, *relatedUsers)
	group    string
}

// reportMappings are the reports the processor maps, by the name the
// zoom_reports input gives them.
var reportMappings = map[string]reportMapping{
	contract.ReportOperationLogs:     {(*processor).mapOperationLog, "zoom.operation"},
	contract.ReportActivities:        {(*processor).mapActivity, "zoom.activity"},
	contract.ReportMeetingActivities: {(*processor).mapMeetingActivity, "zoom.meeting_activity"},
}

// mapReport maps one report entry published by the zoom_reports input:
// zoom = {report, account_id, entry}, report one of reportMappings.
func (p *processor) mapReport(ev *beat.Event, report string, body map[string]any) {
	m := p.newMapping(ev)
	defer releaseMapping(m)
	entry, ok := asMap(body[contract.EnvelopeEntry])
	if !ok {
		m.fail("zoom", contract.EnvelopeEntry, body[contract.EnvelopeEntry], fmt.Errorf("entry is %s, not an object", kind(body[contract.EnvelopeEntry])))
		entry = map[string]any{}
	}
	m.placeAt("zoom."+contract.EnvelopeAccountID, contract.EnvelopeAccountID, body[contract.EnvelopeAccountID])
	var related relatedUsers
	r := reportMappings[report]
	r.mapEntry(p, m, ev, entry, &related)
	if t, ok := m.time(r.group + "." + contract.ReportTimeKeys[report]); ok {
		ev.Timestamp = t
	}
	m.setRelated(related)
	m.finish()
}

// common sets the fields every zoom document has. event.created is the time
// of receipt, which the inputs stamp.
func (p *processor) common(m *mapping, ev *beat.Event, dataset, action string, tax Taxonomy, key string) {
	created := ev.Timestamp
	if v, ok := m.get("event.created"); ok {
		if t, ok := asTime(v); ok {
			created = t
		}
	}
	if created.IsZero() {
		created = p.now()
	}
	// Under Elastic Agent the event goes to a data stream, whose dataset
	// (data_stream.dataset, set by the Agent's stream) event.dataset must
	// equal.
	if ds, ok := m.get("data_stream.dataset"); ok {
		if s, ok := ds.(string); ok && s != "" {
			dataset = s
		}
	}
	m.set("event.module", "zoom")
	m.set("event.dataset", dataset)
	m.set("event.action", action)
	m.set("event.created", created)
	kind := "event"
	if c, ok := tax.Lookup(key); ok {
		// Copies: the taxonomy's lists would otherwise be shared by every
		// document, and whatever changes one document's list in place (the
		// pseudonymizer rewrites every string, a user's processor may too)
		// would change them all, racing with the outputs that encode them.
		m.set("event.category", slices.Clone(c.Category))
		m.set("event.type", slices.Clone(c.Type))
		m.set("event.outcome", c.Outcome)
		kind = cmp.Or(c.Kind, kind)
	}
	m.set("event.kind", kind)
	m.set("observer.vendor", "Zoom")
	m.set("ecs.version", ECSVersion)
}

// detailSource is where the parsed detail was found, for zoom.overflow.
var detailSource = &source{name: "entry.operation_detail"}

// operationDetail places what the parser found: the target user, the changed
// values, the named properties and any JSON.
func (m *mapping) operationDetail(d operationDetail, categoryType string, related *relatedUsers) {
	m.set("zoom.operation.target", d.Target)
	related.add(d.Emails...)
	isUserOp := strings.EqualFold(categoryType, "User") || strings.EqualFold(categoryType, "Role")
	if isUserOp {
		target := person{}
		if emailRE.MatchString(d.Target) {
			target.email = emailRE.FindString(d.Target)
		} else if len(d.Emails) > 0 {
			target.email = d.Emails[0]
		}
		if target.email == "" && d.Target != "" {
			target.name = d.Target
		}
		m.setPerson("user.target", target, related)
		if e := d.value("email"); emailRE.MatchString(e) {
			m.setPerson("user.changes", person{email: e}, related)
		}
	}
	m.set("zoom.operation.user_type", d.value("user_type", "type"))
	m.set("zoom.operation.department", d.value("dept", "department"))
	role := d.value("role", "user_role")
	if role == "" && strings.EqualFold(categoryType, "Role") && len(d.Head) > 7 && strings.EqualFold(d.Head[:7], "assign ") {
		// "Assign Role Admin - Members: ...": the head names the role the
		// members were given. An update of a role's privileges names the
		// role too, but grants it to no one.
		role = d.Target
	}
	m.set("zoom.operation.role", role)
	m.set("zoom.operation.previous_role", d.previous("role", "user_role"))
	if strings.EqualFold(categoryType, "Zoom Rooms") {
		m.set("zoom.operation.room_name", firstNonEmpty(d.value("room_name", "room"), d.Target))
	}
	if len(d.Fields) > 0 {
		fields := map[string]any{}
		for k, v := range d.Fields {
			fields[k] = v
		}
		m.set("zoom.operation.details", m.keep("details", detailSource, 1, fields))
	}
	if len(d.Changes) > 0 {
		changes := map[string]any{}
		for k, c := range d.Changes {
			changes[k] = map[string]any{"from": c[0], "to": c[1]}
		}
		m.set("zoom.operation.changes", m.keep("changes", detailSource, 1, changes))
	}
	if d.JSON != nil {
		m.set("zoom.operation.detail_json", m.keep("detail_json", detailSource, 1, d.JSON))
	}
}
