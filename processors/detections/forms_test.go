// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package detections

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/processors/zoom"
)

// operationLog is an operation-log entry as zoom_reports publishes it,
// mapped by the zoom processor: the rules meet it as they do in the Beat.
func operationLog(t *testing.T, category, action, detail string) *beat.Event {
	t.Helper()
	mapper, err := zoom.New(conf.NewConfig(), logp.NewNopLogger())
	require.NoError(t, err)
	ev, err := mapper.Run(&beat.Event{Timestamp: time.Now(), Fields: mapstr.M{
		"zoom": mapstr.M{"report": contract.ReportOperationLogs, "account_id": "EabCDEFghiJKLmnO-PQRst", "entry": map[string]any{
			"time": "2026-11-30T10:00:00Z", "operator": "owner@example.com",
			"category_type": category, "action": action, "operation_detail": detail,
		}},
		"event": mapstr.M{"id": "form"},
	}})
	require.NoError(t, err)
	return ev
}

// Each documented form of operation_detail that a rule reads (the forms
// Zoom writes and other SIEMs' Zoom rules match: "Change Role  - <email>:
// from <old> to <new>", "Security  - <setting>: from On to Off"), through
// the mapping: the rule fires on each grant or weakening, and not on the
// same change the other way.
func TestDocumentedOperationDetailForms(t *testing.T) {
	const adminGranted = "Zoom user granted an admin or owner role"
	const securityOff = "Zoom account security setting turned off"
	const passcodeOff = "Zoom meeting passcode or waiting room requirement disabled"
	cases := []struct {
		rule                     string
		category, action, detail string
		fires                    bool
	}{
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Member to Admin", true},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Member to Owner", true},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Member to Co-Owner", true},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Member to Billing Admin", true},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Help Desk to Admin", true},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Admin to Owner", true},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Admin to Member", false},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Owner to Admin", false},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Co-Owner to Member", false},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Billing Admin to Member", false},
		{adminGranted, "User", "Update", "Change Role  - jdoe@example.com: from Member to Help Desk", false},
		{adminGranted, "Role", "Assign", "Assign Role Admin - Members: jdoe@example.com - Role: from Member to Admin", true},
		{adminGranted, "Role", "Assign", "Assign Role Admin - Members: jdoe@example.com", true},
		{adminGranted, "Role", "Assign", "Assign Role Help Desk - Members: jdoe@example.com", false},
		{adminGranted, "Role", "Update", "Update Role Admin - Privileges: from View Users to View Users, Edit Users", false},
		{securityOff, "Account", "Update", "Security  - Sign in with Two-Factor Authentication: from On to Off", true},
		{securityOff, "Account", "Update", "Security  - Sign in with Two-Factor Authentication: from Off to On", false},
		{passcodeOff, "Account", "Update", "Security  - Require a passcode when scheduling new meetings: from On to Off", true},
		{passcodeOff, "Account", "Update", "Security  - Require a passcode when scheduling new meetings: from Off to On", false},
		{passcodeOff, "Account", "Update", "Security  - Waiting Room: from On to Off", true},
		{passcodeOff, "Account", "Update", "Security  - Waiting Room: from Off to On", false},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d %s", i, c.detail), func(t *testing.T) {
			ev, err := mustProcessor(t).Run(operationLog(t, c.category, c.action, c.detail))
			require.NoError(t, err)
			if c.fires {
				assert.Contains(t, ruleNames(ev), c.rule)
			} else {
				assert.NotContains(t, ruleNames(ev), c.rule)
			}
		})
	}
}
