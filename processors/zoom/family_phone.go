// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

// mapPhone maps phone.* events: caller and callee (phone.go).
func mapPhone(m *mapping, n *notice) {
	m.phone(n.action, &n.actor, n.related)
}
