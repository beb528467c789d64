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

	mu       sync.Mutex
	degraded bool
}

func newHealth(update func(status.Status, string), running string) *health {
	return &health{update: update, running: running}
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
		h.degraded = false
		h.update(status.Running, h.running)
	}
}
