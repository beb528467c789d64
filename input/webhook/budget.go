// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"net/netip"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// bodyBudget bounds the bytes that request bodies hold in memory across all
// connections (max_inflight_bytes). Bodies are read before their signature
// can be checked, so without it anyone could make the listener hold
// max_connections × max_body_bytes (about 1 GiB by default).
//
// Bytes beyond the first smallBodyBytes of a body may fill only three
// quarters of the budget: large bodies, the shape of an attack, cannot take
// the room that Zoom's notifications (a few KiB) need to be served.
//
// One source address may hold at most perSource of it
// (max_inflight_bytes_per_source; 0: no share), so that a sender cannot take
// the room of the others (Zoom's).
type bodyBudget struct {
	limit int64
	used  atomic.Int64

	perSource int64
	sourcesMu sync.Mutex
	sources   map[netip.Addr]int64 // bytes held, by source address

	// After a burst (use above a quarter of the limit) falls back to
	// nothing, the freed buffers are given back to the operating system:
	// Go's runtime would keep the pages for a while, and the burst's RSS
	// would stay.
	mu         sync.Mutex
	burst      bool
	lastReturn time.Time
	release    func() // debug.FreeOSMemory; tests count calls
}

// smallBodyBytes is what a body may hold from the whole budget: far above
// any notification Zoom sends.
const smallBodyBytes = 64 << 10

func newBodyBudget(limit, perSource int64) *bodyBudget {
	return &bodyBudget{limit: limit, perSource: perSource, sources: map[netip.Addr]int64{}, release: debug.FreeOSMemory}
}

// Which limit a take ran into.
const (
	budgetOK = iota
	budgetFull
	budgetSourceFull
)

// takeFrom reserves n more bytes for a body from src that will then hold
// total bytes: from src's share, then from the budget.
func (b *bodyBudget) takeFrom(src netip.Addr, n, total int64) int {
	if b.perSource > 0 {
		b.sourcesMu.Lock()
		if b.sources[src]+n > b.perSource {
			b.sourcesMu.Unlock()
			return budgetSourceFull
		}
		b.sources[src] += n
		b.sourcesMu.Unlock()
	}
	if !b.take(n, total) {
		b.giveSource(src, n)
		return budgetFull
	}
	return budgetOK
}

// giveFrom returns n bytes that src held.
func (b *bodyBudget) giveFrom(src netip.Addr, n int64) {
	b.giveSource(src, n)
	b.give(n)
}

func (b *bodyBudget) giveSource(src netip.Addr, n int64) {
	if b.perSource == 0 || n == 0 {
		return
	}
	b.sourcesMu.Lock()
	if b.sources[src] -= n; b.sources[src] <= 0 {
		delete(b.sources, src)
	}
	b.sourcesMu.Unlock()
}

// room reports whether a body of total bytes would fit the budget now; a
// declared Content-Length that does not is refused before any byte is read
// (it reserves nothing: a declared length alone holds no memory).
func (b *bodyBudget) room(total int64) bool {
	return b.used.Load()+total <= b.ceiling(total)
}

func (b *bodyBudget) ceiling(total int64) int64 {
	if total > smallBodyBytes {
		return b.limit / 4 * 3
	}
	return b.limit
}

// take reserves n more bytes for a body that will then hold total bytes;
// false when the budget has no room.
func (b *bodyBudget) take(n, total int64) bool {
	ceiling := b.ceiling(total)
	for {
		u := b.used.Load()
		if u+n > ceiling {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			if u+n > b.limit/4 {
				b.mu.Lock()
				b.burst = true
				b.mu.Unlock()
			}
			return true
		}
	}
}

// give returns n bytes to the budget.
func (b *bodyBudget) give(n int64) {
	if n == 0 || b.used.Add(-n) != 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// At most every 10 s: returning memory costs a full collection.
	if !b.burst || time.Since(b.lastReturn) < 10*time.Second {
		return
	}
	b.burst, b.lastReturn = false, time.Now()
	go b.release()
}
