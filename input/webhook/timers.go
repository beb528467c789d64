// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"sync"
	"time"
)

// ackTimers holds stopped timers for the handlers' ack_timeout waits. A new
// timer per request was two allocations (the timer and its channel) and
// under 1 % of Filebeat's CPU under load; a stopped timer serves the next
// request as well, since Go 1.23 a timer's channel holds no stale tick
// after Stop.
var ackTimers sync.Pool

// startTimer returns a timer that fires after d; give it back with stopTimer.
func startTimer(d time.Duration) *time.Timer {
	if t, ok := ackTimers.Get().(*time.Timer); ok {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

// stopTimer stops t and keeps it for another request. The receive drains a
// tick that an older timer implementation (GODEBUG asynctimerchan=1) may
// have sent before Stop, so that the next wait does not end at once.
func stopTimer(t *time.Timer) {
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
	ackTimers.Put(t)
}
