// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"sync"
	"time"

	"github.com/elastic/elastic-agent-libs/monitoring"
)

// inputMetrics are the input's counters, in the registry Filebeat shows at
// /inputs/ (and in its periodic metrics log lines).
type inputMetrics struct {
	connects        *monitoring.Uint   // connections Zoom accepted (build_connection success)
	reconnects      *monitoring.Uint   // accepted connections after the first, but for token renewals
	renewals        *monitoring.Uint   // connections replaced before their token expired
	messages        *monitoring.Uint   // messages received, of every module
	heartbeats      *monitoring.Uint   // heartbeats sent
	heartbeatAnswer *monitoring.Uint   // heartbeats answered
	published       *monitoring.Uint   // events published
	acked           *monitoring.Uint   // events acknowledged by the pipeline
	decodeErrors    *monitoring.Uint   // event contents that were not a notification (published with error.message)
	tokenRefreshes  *monitoring.Uint   // OAuth tokens obtained
	gapSeconds      *monitoring.Float  // seconds without an open connection, in all
	lastMessage     *monitoring.String // time of the last message, RFC 3339
	inGap           *monitoring.Bool   // no connection is open now

	byReason *monitoring.Registry
	mu       sync.Mutex
	reasons  map[string]*monitoring.Uint
}

func newInputMetrics(reg *monitoring.Registry) *inputMetrics {
	if reg == nil {
		reg = monitoring.NewRegistry()
	}
	return &inputMetrics{
		connects:        monitoring.NewUint(reg, "connects_total"),
		reconnects:      monitoring.NewUint(reg, "reconnects_total"),
		renewals:        monitoring.NewUint(reg, "renewals_total"),
		messages:        monitoring.NewUint(reg, "messages_total"),
		heartbeats:      monitoring.NewUint(reg, "heartbeats_total"),
		heartbeatAnswer: monitoring.NewUint(reg, "heartbeats_answered_total"),
		published:       monitoring.NewUint(reg, "events_published_total"),
		acked:           monitoring.NewUint(reg, "events_acked_total"),
		decodeErrors:    monitoring.NewUint(reg, "decode_errors_total"),
		tokenRefreshes:  monitoring.NewUint(reg, "token_refreshes_total"),
		gapSeconds:      monitoring.NewFloat(reg, "gap_seconds_total"),
		lastMessage:     monitoring.NewString(reg, "last_message_time"),
		inGap:           monitoring.NewBool(reg, "disconnected"),
		byReason:        reg.NewRegistry("disconnects_total"),
		reasons:         map[string]*monitoring.Uint{},
	}
}

// The reasons a connection ends, as disconnects_total.<reason>.
const (
	reasonClosed      = "closed_by_zoom"   // a close frame, or the connection ended
	reasonError       = "error"            // a read or write failed
	reasonSilent      = "silent"           // nothing heard for two heartbeat intervals
	reasonTokenExpiry = "token_expired"    // Zoom said the open connection's token is no longer valid
	reasonRefused     = "refused"          // build_connection failed
	reasonTooBig      = "message_too_big"  // a message over max_message_bytes
	reasonHandshake   = "handshake_failed" // the WebSocket handshake failed
)

func (m *inputMetrics) disconnected(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.reasons[reason]
	if !ok {
		u = monitoring.NewUint(m.byReason, reason)
		m.reasons[reason] = u
	}
	u.Inc()
}

func (m *inputMetrics) message(at time.Time) {
	m.messages.Inc()
	m.lastMessage.Set(at.UTC().Format(time.RFC3339Nano))
}
