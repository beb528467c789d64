// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"github.com/zoombeat/zoombeat/internal/contract"
)

// Setting is one variable of a fileset: var.<Name> of the module in
// modules.d/zoom.yml and the var of the same name in the integration
// package. This table is the one source of both: `go tool mage update`
// writes each fileset's manifest.yml and config/<fileset>.yml from it, and
// packages/ writes the package's stream templates and vars from it.
type Setting struct {
	Name string
	// Key is the input option the var sets ("" for the vars that the
	// renderers place themselves: tags, the mapping's, detections,
	// processors).
	Key string
	// Default is the var's default; nil for none. A var with no default (or
	// an empty one) is left out of the input's config unless it is set.
	Default any
	// Type is the package var's type: text, integer, bool, password, url or
	// yaml (an object: ssl, pseudonymize; a processor list).
	Type        string
	Multi       bool // a list of text
	Title       string
	Description string
	Show        bool // shown in Fleet's form without opening the advanced options
	// Required says the input cannot run without it (the app's credentials),
	// although its default is empty; a var with a default is required too.
	Required bool
	// Shared is a var of the package's policy-template input, shared by the
	// input's streams (the listener, the app's credentials), rather than one
	// of the stream.
	Shared bool
}

// IsRequired tells whether Fleet asks for the var.
func (s Setting) IsRequired() bool { return s.Required || !s.optional() }

// IsStructural tells whether the renderers place the var themselves rather
// than as its Key.
func (s Setting) IsStructural() bool { return s.Key == "" }

// Optional tells whether the setting is left out of the input's config
// when unset.
func (s Setting) Optional() bool { return s.optional() }

// optional tells whether the setting is left out of the config when unset.
func (s Setting) optional() bool {
	switch d := s.Default.(type) {
	case nil:
		return true
	case string:
		return d == ""
	case []any:
		return len(d) == 0
	}
	return false
}

// The vars that the renderers place themselves, and the tags they add.
const (
	VarTags          = "tags"
	VarPreserve      = "preserve_original_event"
	VarRedact        = "redact_secrets"
	VarPseudonymize  = "pseudonymize"
	VarDetections    = "detections"
	VarProcessors    = "processors"
	ForwardedTag     = "forwarded"
	PreserveEventTag = "preserve_original_event"
)

// Fileset is one fileset of the module and the data stream of the same name
// in the integration package.
type Fileset struct {
	Name, Title, Description string
	Input                    string // the input type
	Report                   string // the report a zoom_reports fileset polls
	// MapsItself says the input runs the zoom mapping itself (its mapping
	// option), as zoom_webhook does; otherwise the zoom processor does.
	MapsItself bool
	// PreserveOption says preserve_original_event is also an option of the
	// input (zoom_webhook keeps the body it read); the tag is set for every
	// fileset, and the zoom processor reads it for the others.
	PreserveOption bool
	Settings       []Setting
}

// Filesets are the module's filesets: the webhook, one per report of the
// zoom_reports input, and the WebSocket subscription.
func Filesets() []Fileset {
	out := []Fileset{{
		Name: WebhookFileset, Title: "Zoom webhook events", Input: contract.WebhookInput, MapsItself: true, PreserveOption: true,
		Description: "Zoom's event notifications, checked and mapped onto ECS.",
		Settings:    webhookSettings,
	}}
	for _, r := range contract.Reports {
		out = append(out, Fileset{
			Name: r, Title: reportTitles[r][0], Description: reportTitles[r][1], Input: contract.ReportsInput, Report: r,
			Settings: append(append([]Setting{}, reportSettings...), common(r)...),
		})
	}
	out[0].Settings = append(out[0].Settings, common(WebhookFileset)...)
	out = append(out, Fileset{
		Name: WebSocketFileset, Title: "Zoom events over WebSocket", Input: contract.WebSocketInput, MapsItself: true, PreserveOption: true,
		Description: "Zoom's event notifications through a WebSocket event subscription, with no inbound port; mapped onto ECS as the webhook's.",
		Settings:    append(append([]Setting{}, websocketSettings...), common(WebSocketFileset)...),
	})
	return out
}

// WebhookFileset is the fileset of zoom_webhook.
const WebhookFileset = "webhook"

// WebSocketFileset is the fileset of zoom_websocket; its documents hold the
// webhook's fields (SharesFields).
const WebSocketFileset = "websocket"

// SharesFields names the fileset whose fields another declares as its own:
// the WebSocket subscription delivers the webhook's notifications.
var SharesFields = map[string]string{WebSocketFileset: WebhookFileset}

// reportTitles are each report's title and description in Fleet.
var reportTitles = map[string][2]string{
	contract.ReportOperationLogs:     {"Zoom operation logs", "Admins' audit trail (who changed which setting, who granted a role), polled from Zoom's Reports API and mapped onto ECS."},
	contract.ReportActivities:        {"Zoom sign-in and sign-out activities", "Every sign-in and sign-out with its IP and client, polled from Zoom's Reports API and mapped onto ECS."},
	contract.ReportMeetingActivities: {"Zoom meeting activities", "Who did what in meetings (created, started, joined, left, remote control, chat), polled from Zoom's Reports API and mapped onto ECS."},
}

var webhookSettings = []Setting{
	{Name: "listen_address", Key: "listen_address", Default: "localhost", Type: "text", Show: true, Shared: true,
		Title: "Listen address", Description: "Address the listener binds; 0.0.0.0 for all interfaces."},
	{Name: "listen_port", Key: "listen_port", Default: 8181, Type: "integer", Show: true, Shared: true, Title: "Listen port"},
	{Name: "secret_token", Key: "secret_token", Default: "", Required: true, Type: "password", Show: true, Shared: true, Title: "Secret Token",
		Description: "The Zoom app's Secret Token; it keys the signature check and the URL validation answer."},
	{Name: "ssl", Key: "ssl", Type: "yaml", Show: true, Shared: true, Title: "TLS",
		Description: "libbeat TLS server settings (enabled, certificate, key, client_authentication...). Zoom only calls HTTPS endpoints."},
	{Name: "url", Key: "url", Default: "/zoom", Type: "text", Show: true, Title: "URL path", Description: "The path Zoom posts to."},
	{Name: "allow_unsigned", Key: "allow_unsigned", Default: false, Type: "bool", Title: "Accept unsigned requests",
		Description: "Testing only: accept requests without a valid signature."},
	{Name: "signature_max_age", Key: "signature.max_age", Default: "5m", Type: "text", Title: "Signature max age",
		Description: "Replay window on x-zm-request-timestamp."},
	{Name: "secret_header", Key: "secret.header", Type: "text", Title: "Custom header name",
		Description: "Zoom's optional custom header, required on every request when set."},
	{Name: "secret_value", Key: "secret.value", Type: "password", Title: "Custom header value"},
	{Name: "ack_timeout", Key: "ack_timeout", Default: "2s", Type: "text", Title: "ACK timeout",
		Description: "How long a request waits for its event to be acknowledged before it is answered 503."},
	{Name: "max_body_bytes", Key: "max_body_bytes", Default: "1MiB", Type: "text", Title: "Maximum body size"},
	{Name: "max_inflight_bytes", Key: "max_inflight_bytes", Default: "16MiB", Type: "text", Title: "Maximum bytes in flight",
		Description: "The bodies of all requests being read or waiting for their ACK, together."},
	{Name: "accept_gzip", Key: "accept_gzip", Default: false, Type: "bool", Title: "Accept gzip bodies",
		Description: "Admit Content-Encoding: gzip, from a compressing proxy in front of the listener; Zoom sends plain JSON."},
	{Name: "max_header_bytes", Key: "max_header_bytes", Default: "16KiB", Type: "text", Title: "Maximum header size"},
	{Name: "read_timeout", Key: "read_timeout", Default: "10s", Type: "text", Title: "Read timeout",
		Description: "How long a request may take to arrive, headers and body."},
	{Name: "header_timeout", Key: "header_timeout", Default: "2s", Type: "text", Title: "Header timeout",
		Description: "How long a request's line and headers may take from its first byte."},
	{Name: "write_timeout", Key: "write_timeout", Default: "10s", Type: "text", Title: "Write timeout"},
	{Name: "idle_timeout", Key: "idle_timeout", Default: "30s", Type: "text", Title: "Idle timeout",
		Description: "How long a keep-alive connection is kept between requests."},
	{Name: "max_connections", Key: "max_connections", Default: 1024, Type: "integer", Title: "Maximum connections"},
	{Name: "max_connections_per_source", Key: "max_connections_per_source", Default: 256, Type: "integer", Title: "Maximum connections per source address",
		Description: "0 behind a reverse proxy, where every request comes from the proxy's address."},
	{Name: "max_inflight_bytes_per_source", Key: "max_inflight_bytes_per_source", Default: "4MiB", Type: "text", Title: "Maximum bytes in flight per source address",
		Description: "One source address's share of max_inflight_bytes; 0 behind a reverse proxy."},
	{Name: "allowed_networks", Key: "allowed_networks", Default: []any{}, Type: "text", Multi: true, Title: "Allowed networks",
		Description: "CIDR prefixes the listener admits connections from (Zoom's published webhook ranges); empty: all."},
	{Name: "include_headers", Key: "include_headers", Default: []any{}, Type: "text", Multi: true, Title: "Headers to keep",
		Description: "Request headers kept under http.request.headers."},
	{Name: "keep_null", Key: "keep_null", Default: false, Type: "bool", Title: "Keep null values",
		Description: "Keep the notification's null members."},
}

var websocketSettings = []Setting{
	{Name: "url", Key: "url", Default: "wss://ws.zoom.us/ws", Type: "text", Show: true, Shared: true, Title: "Endpoint URL",
		Description: "The event subscription's endpoint URL as the Zoom app shows it (wss://ws.zoom.us/ws?subscriptionId=...)."},
	{Name: "subscription_id", Key: "subscription_id", Default: "", Type: "text", Show: true, Shared: true, Title: "Subscription ID",
		Description: "The subscription's id, if the endpoint URL does not carry it."},
	{Name: "client_id", Key: "client_id", Default: "", Required: true, Type: "text", Show: true, Shared: true, Title: "Client ID"},
	{Name: "client_secret", Key: "client_secret", Default: "", Required: true, Type: "password", Show: true, Shared: true, Title: "Client Secret"},
	{Name: "grant_type", Key: "grant_type", Default: "client_credentials", Type: "text", Shared: true, Title: "OAuth grant",
		Description: "client_credentials, as Zoom's WebSocket docs say, or account_credentials (with the account ID) for a Server-to-Server OAuth app."},
	{Name: "account_id", Key: "account_id", Default: "", Type: "text", Shared: true, Title: "Account ID",
		Description: "Only with grant account_credentials."},
	{Name: "oauth_url", Key: "oauth_url", Default: "https://zoom.us/oauth/token", Type: "url", Shared: true, Title: "OAuth token URL"},
	{Name: "ssl", Key: "ssl", Type: "yaml", Shared: true, Title: "TLS",
		Description: "libbeat TLS client settings towards Zoom (certificate_authorities, verification_mode...)."},
	{Name: "proxy_url", Key: "proxy_url", Default: "", Type: "url", Shared: true, Title: "Proxy URL"},
	{Name: "timeout", Key: "timeout", Default: "30s", Type: "text", Shared: true, Title: "Timeout",
		Description: "Bounds a token request and a connection's opening."},
	{Name: "heartbeat_interval", Key: "heartbeat_interval", Default: "30s", Type: "text", Shared: true, Title: "Heartbeat interval",
		Description: "How often a heartbeat is sent (Zoom asks for 30s); a connection silent for two intervals is reopened."},
	{Name: "backoff_init", Key: "backoff.init", Default: "1s", Type: "text", Shared: true, Title: "Reconnect backoff, first wait"},
	{Name: "backoff_max", Key: "backoff.max", Default: "1m", Type: "text", Shared: true, Title: "Reconnect backoff, cap",
		Description: "Longest wait between reconnects, and the wait after a refusal."},
	{Name: "max_message_bytes", Key: "max_message_bytes", Default: "1MiB", Type: "text", Shared: true, Title: "Maximum message size"},
	{Name: "keep_null", Key: "keep_null", Default: false, Type: "bool", Title: "Keep null values",
		Description: "Keep the notification's null members."},
}

var reportSettings = []Setting{
	{Name: "account_id", Key: "account_id", Default: "", Required: true, Type: "text", Show: true, Shared: true, Title: "Account ID"},
	{Name: "client_id", Key: "client_id", Default: "", Required: true, Type: "text", Show: true, Shared: true, Title: "Client ID"},
	{Name: "client_secret", Key: "client_secret", Default: "", Required: true, Type: "password", Show: true, Shared: true, Title: "Client Secret"},
	{Name: "api_url", Key: "api_url", Default: "https://api.zoom.us/v2", Type: "url", Shared: true, Title: "API URL"},
	{Name: "oauth_url", Key: "oauth_url", Default: "https://zoom.us/oauth/token", Type: "url", Shared: true, Title: "OAuth token URL"},
	{Name: "ssl", Key: "ssl", Type: "yaml", Shared: true, Title: "TLS",
		Description: "libbeat TLS client settings towards Zoom (certificate_authorities, verification_mode...)."},
	{Name: "proxy_url", Key: "proxy_url", Default: "", Type: "url", Shared: true, Title: "Proxy URL"},
	{Name: "timeout", Key: "timeout", Default: "30s", Type: "text", Shared: true, Title: "Request timeout"},
	{Name: "requests_per_second", Key: "requests_per_second", Default: 10, Type: "integer", Shared: true, Title: "Requests per second",
		Description: "Cap on requests to the Reports API (Zoom's Heavy rate: 10 on Pro, 40 on Business and up)."},
	{Name: "retry_max_attempts", Key: "retry.max_attempts", Default: 5, Type: "integer", Shared: true, Title: "Retry attempts",
		Description: "Attempts of a failed or rate-limited request."},
	{Name: "retry_wait_min", Key: "retry.wait_min", Default: "1s", Type: "text", Shared: true, Title: "Retry wait min"},
	{Name: "retry_wait_max", Key: "retry.wait_max", Default: "1m", Type: "text", Shared: true, Title: "Retry wait max"},
	{Name: "interval", Key: "interval", Default: "5m", Type: "text", Show: true, Title: "Interval", Description: "Time between polls."},
	{Name: "initial_interval", Key: "initial_interval", Default: "7d", Type: "text", Show: true, Title: "Initial interval",
		Description: "How far back the first poll reads (at most 183d)."},
	{Name: "late_window", Key: "late_window", Default: "1h", Type: "text", Title: "Late window",
		Description: "How far back each poll reads again, for entries Zoom adds late."},
	{Name: "page_size", Key: "page_size", Default: 300, Type: "integer", Title: "Page size", Description: "Entries per page (at most 300)."},
}

// common are the settings of every fileset: tags, the mapping's options,
// detections and the policy's processors.
func common(fileset string) []Setting {
	return []Setting{
		{Name: VarTags, Default: []any{"zoom-" + fileset, ForwardedTag}, Type: "text", Multi: true, Title: "Tags",
			Description: `Tags of every event; "forwarded" leaves out host.*, the agent's host.`},
		{Name: VarPreserve, Default: false, Type: "bool", Title: "Preserve original event",
			Description: "Keep what Zoom sent, in event.original."},
		{Name: VarRedact, Default: true, Type: "bool", Show: true, Title: "Redact secrets",
			Description: "Mask passcodes, host keys, download tokens and pwd= in URLs."},
		{Name: VarPseudonymize, Type: "yaml", Title: "Pseudonymize",
			Description: `Replace people's identifiers with keyed pseudonyms that still join across events: {enabled: true, key: "${ZOOM_PSEUDONYM_KEY}", keep_domain: true, fields: [...]} (module docs).`},
		{Name: VarDetections, Default: false, Type: "bool", Show: true, Title: "Detections",
			Description: "Evaluate zoombeat's Sigma rules and mark matching events."},
		{Name: VarProcessors, Type: "yaml", Title: "Processors", Description: "Processors that run after the zoom mapping."},
	}
}
