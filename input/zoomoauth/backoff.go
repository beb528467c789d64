// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomoauth

import (
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Backoff is the retry schedule towards Zoom of both inputs (a failed
// Reports API request, a lost WebSocket connection): exponential from min,
// doubled each time up to max, with ±50 % jitter so that many Filebeats do
// not retry in step. cenkalti/backoff's interval starts at twice min, so
// that no wait falls below min, and stays under max / 1.5, so that no wait
// exceeds max; Next clamps where max is less than three times min.
type Backoff struct {
	b        *backoff.ExponentialBackOff
	min, max time.Duration
}

func NewBackoff(waitMin, waitMax time.Duration) *Backoff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     2 * waitMin,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         max(waitMax*2/3, waitMin),
	}
	b.Reset()
	return &Backoff{b: b, min: waitMin, max: waitMax}
}

// Next is the next wait, within [min, max].
func (b *Backoff) Next() time.Duration {
	return min(max(b.b.NextBackOff(), b.min), b.max)
}

// AtMax jumps to the cap (for a refusal, which retrying fast does not
// mend) and returns a wait there, within [max/2, max].
func (b *Backoff) AtMax() time.Duration {
	for range 64 { // each call doubles the interval, up to its cap
		b.b.NextBackOff()
	}
	return max(b.Next(), b.max/2)
}

// Reset starts the schedule again at min.
func (b *Backoff) Reset() { b.b.Reset() }
