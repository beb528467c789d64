// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

// mapAccount maps account.* events: a sub account created names its owner as the target.
func mapAccount(m *mapping, n *notice) {
	if n.action == "created" {
		// A sub account was created under the master account that
		// the notification is for; its owner is the target.
		m.set("zoom.master_account_id", m.str("zoom.account_id"))
		m.set("zoom.sub_account_id", m.str("zoom.account.id"))
		n.target = person{id: m.str("zoom.account.owner_id"), email: m.str("zoom.account.owner_email")}
	}
}
