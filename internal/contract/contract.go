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

// ReportTimeKeys name, by report, the key of an entry that holds its time:
// the poller's cursor moves by it, and the processor makes it @timestamp.
var ReportTimeKeys = map[string]string{
	ReportOperationLogs:     "time",
	ReportActivities:        "time",
	ReportMeetingActivities: "activity_time",
}

// The keys of the envelope in which zoom_reports publishes an entry under
// Field: {report, account_id, entry}.
const (
	EnvelopeReport    = "report"
	EnvelopeAccountID = "account_id"
	EnvelopeEntry     = "entry"
)

// ReportEnvelope is the value of Field for one entry of a report.
func ReportEnvelope(report, accountID string, entry map[string]any) map[string]any {
	return map[string]any{EnvelopeReport: report, EnvelopeAccountID: accountID, EnvelopeEntry: entry}
}

// Dataset is the event.dataset of a fileset's documents (zoom.<fileset>),
// when no data stream names another.
func Dataset(fileset string) string { return "zoom." + fileset }

// DevelopmentSecret is the Secret Token that the shipped filebeat.yml falls
// back to while ZOOM_SECRET_TOKEN is unset, so that the README's first
// command runs as it is. It is published, so anyone could sign with it:
// zoom_webhook refuses it unless it listens on a loopback address only.
const DevelopmentSecret = "zoombeat-development-secret"
