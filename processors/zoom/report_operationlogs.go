// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"strings"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// mapOperationLog maps an operation log entry: the admins' audit trail, its detail parsed into changes and targets.
func (p *processor) mapOperationLog(m *mapping, ev *beat.Event, entry map[string]any, related *relatedUsers) {
	catType, _ := toKeyword(entry["category_type"])
	action, _ := toKeyword(entry["action"])
	p.common(m, ev, contract.Dataset(contract.ReportOperationLogs), snake(catType)+"."+snake(action), p.operations, catType+"."+action)
	m.set("observer.product", "Operation Logs")
	for k, v := range entry {
		switch k {
		case "operator":
			m.placeAt("zoom.operator", "entry."+k, v)
		case "operation_detail":
			text, _ := toKeyword(v)
			if m.redact {
				text = redactURL(text)
			}
			m.set("message", text)
			m.operationDetail(parseOperationDetail(text), catType, related)
		default:
			m.placeAt("zoom.operation."+k, "entry."+k, v)
		}
	}
	op := m.str("zoom.operator")
	if strings.Contains(op, "@") {
		m.setPerson("user", person{email: op}, related)
	} else if op != "" {
		m.setPerson("user", person{name: op}, related)
	}
}
