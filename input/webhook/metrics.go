// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"strconv"
	"sync"
	"time"

	"github.com/rcrowley/go-metrics"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"
	"github.com/elastic/elastic-agent-libs/monitoring/adapter"
)

// inputMetrics are the zoom_webhook input's counters and histograms. They live
// in the input's registry, which Filebeat shows at /inputs/ on its HTTP
// monitoring endpoint (http.enabled: true).
type inputMetrics struct {
	requests         *monitoring.Uint // every request that reached the handler
	eventsPublished  *monitoring.Uint // events handed to the pipeline
	eventsACKed      *monitoring.Uint // events the pipeline acknowledged
	ackTimeouts      *monitoring.Uint // requests answered 503 because no ACK came in ack_timeout
	signatureFailure *monitoring.Uint // requests answered 401 (signature, timestamp or custom header)
	crcAnswered      *monitoring.Uint // endpoint.url_validation challenges answered
	evicted          *monitoring.Uint // connections closed to make room at max_connections or a source's share
	refused          *monitoring.Uint // new connections closed: not from allowed_networks, or their source at its share
	overBudget       *monitoring.Uint // requests answered 503 because max_inflight_bytes was reached
	lateACKs         *monitoring.Uint // ACKs that came after ack_timeout, for requests answered 503

	byStatus   *monitoring.Registry // requests by HTTP status code: "200", "401", ...
	statusMu   sync.Mutex
	statusUint map[int]*monitoring.Uint

	bodySize   metrics.Sample // bytes of each request body (after Content-Encoding)
	ackLatency metrics.Sample // nanoseconds from publish to ACK
}

func newInputMetrics(reg *monitoring.Registry, log *logp.Logger) *inputMetrics {
	if reg == nil { // tests and `filebeat test config` run without a registry
		reg = monitoring.NewRegistry()
	}
	m := &inputMetrics{
		requests:         monitoring.NewUint(reg, "requests_total"),
		eventsPublished:  monitoring.NewUint(reg, "events_published_total"),
		eventsACKed:      monitoring.NewUint(reg, "events_acked_total"),
		ackTimeouts:      monitoring.NewUint(reg, "ack_timeouts_total"),
		signatureFailure: monitoring.NewUint(reg, "signature_failures_total"),
		crcAnswered:      monitoring.NewUint(reg, "crc_challenges_total"),
		evicted:          monitoring.NewUint(reg, "idle_connections_closed_total"),
		refused:          monitoring.NewUint(reg, "connections_refused_total"),
		overBudget:       monitoring.NewUint(reg, "inflight_bytes_rejections_total"),
		lateACKs:         monitoring.NewUint(reg, "late_acks_total"),
		byStatus:         reg.NewRegistry("requests_by_status"),
		statusUint:       map[int]*monitoring.Uint{},
		bodySize:         metrics.NewUniformSample(1024),
		ackLatency:       metrics.NewUniformSample(1024),
	}
	_ = adapter.NewGoMetrics(reg, "body_bytes", log, adapter.Accept).
		Register("histogram", metrics.NewHistogram(m.bodySize))
	_ = adapter.NewGoMetrics(reg, "ack_latency", log, adapter.Accept).
		Register("histogram", metrics.NewHistogram(m.ackLatency))
	return m
}

// status counts one answered request under its status code.
func (m *inputMetrics) status(code int) {
	m.statusMu.Lock()
	u, ok := m.statusUint[code]
	if !ok {
		u = monitoring.NewUint(m.byStatus, strconv.Itoa(code))
		m.statusUint[code] = u
	}
	m.statusMu.Unlock()
	u.Inc()
}

func (m *inputMetrics) acked(published time.Time) {
	m.eventsACKed.Inc()
	m.ackLatency.Update(time.Since(published).Nanoseconds())
}
