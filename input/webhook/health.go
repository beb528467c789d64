// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"fmt"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/management/status"
)

// health reports the input's state to Elastic Agent (a no-op standalone):
// Running while events are acknowledged, Degraded from an ACK timeout until
// the next acknowledged event, so that an output outage that turns Zoom's
// deliveries into 503s shows on the Agent's unit.
type health struct {
	update  func(status.Status, string)
	running string // the Running message: where the input listens
	warn    func(string)

	mu       sync.Mutex
	degraded bool
	late     bool // the degradation is late ACKs, not missing ones
}

func newHealth(update func(status.Status, string), running string, warn func(string)) *health {
	return &health{update: update, running: running, warn: warn}
}

// ackTimedOut is called for a request answered 503 for lack of an ACK.
func (h *health) ackTimedOut(ackTimeout time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.degraded {
		h.degraded = true
		h.update(status.Degraded, fmt.Sprintf("%s; events are not acknowledged within ack_timeout %v (is the output down?), so deliveries get 503 and Zoom retries later", h.running, ackTimeout))
	}
}

// acked is called for a request answered 200.
func (h *health) acked() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.degraded {
		h.degraded, h.late = false, false
		h.update(status.Running, h.running)
	}
}

// lateACK is called when an ACK came after ack_timeout: the queue, not an
// outage, is the likely cause, and the message says what to change.
func (h *health) lateACK(latency, ackTimeout time.Duration) {
	msg := fmt.Sprintf("%s; events are acknowledged %v after publishing, beyond ack_timeout %v, so deliveries get 503: "+
		"the queue waits for a batch, or the output is slow. zoombeat fits an output's preset and queue; a top-level "+
		"queue of filebeat.yml is yours: set queue.mem.flush.timeout: 0s there, or use the disk queue",
		h.running, latency.Round(time.Millisecond), ackTimeout)
	h.mu.Lock()
	defer h.mu.Unlock()
	first := !h.degraded || !h.late
	h.degraded, h.late = true, true
	h.update(status.Degraded, msg)
	if first && h.warn != nil {
		h.warn(msg)
	}
}
