// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"net/netip"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// mapActivity maps a sign-in/sign-out activity entry: the user, their IP address and client.
func (p *processor) mapActivity(m *mapping, ev *beat.Event, entry map[string]any, related *relatedUsers) {
	typ, _ := toKeyword(entry["type"])
	action := "user." + map[string]string{"sign_in": "signed_in", "sign_out": "signed_out"}[snake(typ)]
	if action == "user." {
		action = "user." + snake(typ)
	}
	p.common(m, ev, contract.Dataset(contract.ReportActivities), action, p.taxonomy, action)
	m.set("observer.product", "Sign In/Sign Out Activity")
	for k, v := range entry {
		m.placeAt("zoom.activity."+k, "entry."+k, v)
	}
	m.setPerson("user", person{email: m.str("zoom.activity.email")}, related)
	if ip := m.str("zoom.activity.ip_address"); ip != "" {
		if _, err := netip.ParseAddr(ip); err == nil {
			m.set("source.ip", ip)
			m.set("related.ip", []string{ip})
		}
	}
	m.set("user_agent.name", m.str("zoom.activity.client_type"))
	if v := m.str("zoom.activity.version"); v != "" && v != "-" {
		m.set("user_agent.version", v)
	}
}
