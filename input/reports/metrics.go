// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"strconv"
	"sync"

	"github.com/elastic/elastic-agent-libs/monitoring"
)

// inputMetrics are one report source's counters, in the registry Filebeat
// shows at /inputs/ (one entry per report: <input id>::<report>::<account>).
type inputMetrics struct {
	requests       *monitoring.Uint   // API requests sent
	pages          *monitoring.Uint   // pages read to the end
	published      *monitoring.Uint   // entries published
	skipped        *monitoring.Uint   // entries already published before (re-read windows)
	tokenRefreshes *monitoring.Uint   // OAuth tokens obtained
	rateLimitWaits *monitoring.Uint   // 429 answers waited out
	pacedRequests  *monitoring.Uint   // requests held back by requests_per_second
	retries        *monitoring.Uint   // 5xx and network errors retried
	pollErrors     *monitoring.Uint   // polls that failed
	cursor         *monitoring.String // the cursor's since, RFC 3339
	lastEntry      *monitoring.String // time of the newest entry published

	byStatus   *monitoring.Registry
	statusMu   sync.Mutex
	statusUint map[int]*monitoring.Uint
}

func newInputMetrics(reg *monitoring.Registry) *inputMetrics {
	if reg == nil {
		reg = monitoring.NewRegistry()
	}
	return &inputMetrics{
		requests:       monitoring.NewUint(reg, "requests_total"),
		pages:          monitoring.NewUint(reg, "pages_total"),
		published:      monitoring.NewUint(reg, "events_published_total"),
		skipped:        monitoring.NewUint(reg, "events_skipped_total"),
		tokenRefreshes: monitoring.NewUint(reg, "token_refreshes_total"),
		rateLimitWaits: monitoring.NewUint(reg, "rate_limit_waits_total"),
		pacedRequests:  monitoring.NewUint(reg, "paced_requests_total"),
		retries:        monitoring.NewUint(reg, "retries_total"),
		pollErrors:     monitoring.NewUint(reg, "poll_errors_total"),
		cursor:         monitoring.NewString(reg, "cursor_since"),
		lastEntry:      monitoring.NewString(reg, "last_entry_time"),
		byStatus:       reg.NewRegistry("responses_by_status"),
		statusUint:     map[int]*monitoring.Uint{},
	}
}

func (m *inputMetrics) status(code int) {
	m.statusMu.Lock()
	defer m.statusMu.Unlock()
	u, ok := m.statusUint[code]
	if !ok {
		u = monitoring.NewUint(m.byStatus, strconv.Itoa(code))
		m.statusUint[code] = u
	}
	u.Inc()
}
