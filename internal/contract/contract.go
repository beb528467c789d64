// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package contract holds the names that the inputs, the zoom processor, the
// module and the package generator share: the inputs' types and the reports
// the poller reads. It imports none of them, so each can import it: the
// module's settings table names the inputs without linking them (the
// processor imports the module, and the webhook's tests the processor).
package contract

// The inputs' types, as `type:` in filebeat.yml and in the component spec.
const (
	WebhookInput   = "zoom_webhook"
	ReportsInput   = "zoom_reports"
	WebSocketInput = "zoom_websocket"
)

// Reports that zoom_reports can poll, by the name used in its `reports`
// setting; each is also a fileset of the module and a data stream of the
// package.
const (
	ReportOperationLogs     = "operationlogs"
	ReportActivities        = "activities"
	ReportMeetingActivities = "meeting_activities"
)

// Reports lists every report, in the order polled when none is configured.
var Reports = []string{ReportOperationLogs, ReportActivities, ReportMeetingActivities}
