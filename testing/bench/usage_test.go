// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseCPULine(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	busy, total := parseCPULine("cpu  100 5 50 800 20 3 2 1 40 0")
	assert.Equal(t, int64(100+5+50+3+2+1), busy, "idle and iowait are not busy; guest is already in user")
	assert.Equal(t, int64(981), total)

	busy, total = parseCPULine("cpu0 1 2 3 4 5 6 7 8")
	assert.Zero(t, busy+total, "only the aggregate line counts")
}

func TestServerBudget(t *testing.T) {
	// Two CPUs 90 % busy for 10 s: 18 s of CPU. The clients used 3 s for
	// 100,000 requests (30 µs each). At 20,000 requests/s a request may
	// take 1.8e6/20,000 = 90 µs of all the CPU, 60 of them the server's.
	r := result{ok: 100_000, usage: usage{clients: 3 * time.Second, busy: 0.9, cpus: 2}}
	assert.InDelta(t, 60.0, serverBudget(r, 20_000), 1e-9)
	r.ok = 0
	assert.Zero(t, serverBudget(r, 20_000), "no requests, no budget")
}
