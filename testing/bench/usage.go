// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// usage is where the machine's CPU went during the measured window. The
// clients run on the same cores as the server, so the server's throughput
// depends on what they and the rest of the machine leave it: the window's
// figures say how much CPU per request a target could use at a given rate.
type usage struct {
	server  time.Duration // the target process's utime+stime
	clients time.Duration // this process's (the clients')
	busy    float64       // the share of all CPUs not idle, from /proc/stat
	cpus    int
}

// cpuSnapshot is one reading of the three counters usage is made of.
type cpuSnapshot struct {
	server, clients time.Duration
	busy, total     int64 // /proc/stat ticks
}

func snapshot(pid int) cpuSnapshot {
	var s cpuSnapshot
	_, s.server = procStats(pid)
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.clients = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	s.busy, s.total = machineTicks()
	return s
}

// watchUsage reads the counters at from and at until (waiting for each);
// the returned function waits for the second reading and gives the
// difference. Process start-up and the warm-up are thus left out, which the
// process's lifetime CPU time would count.
func watchUsage(pid int, from, until time.Time) func() usage {
	done := make(chan usage, 1)
	go func() {
		time.Sleep(time.Until(from))
		a := snapshot(pid)
		time.Sleep(time.Until(until))
		b := snapshot(pid)
		u := usage{server: b.server - a.server, clients: b.clients - a.clients, cpus: runtime.NumCPU()}
		if b.total > a.total {
			u.busy = float64(b.busy-a.busy) / float64(b.total-a.total)
		}
		done <- u
	}()
	return func() usage { return <-done }
}

// machineTicks reads the ticks all CPUs spent busy, and in all, from
// /proc/stat.
func machineTicks() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return parseCPULine(line)
}

// parseCPULine reads the aggregate "cpu" line of /proc/stat: user nice
// system idle iowait irq softirq steal, then guest times that user time
// already counts. Idle and iowait are not busy.
func parseCPULine(line string) (busy, total int64) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:9] {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i != 3 && i != 4 {
			busy += n
		}
	}
	return busy, total
}

// serverBudget is the CPU per request (µs) that a server could use to answer
// rps requests per second on a machine as busy as in r's run, its clients
// costing what they cost there per request: busy CPU time per second, shared
// out over rps requests, less the clients' share.
func serverBudget(r result, rps float64) float64 {
	if r.ok == 0 || rps == 0 {
		return 0
	}
	busyPerSecond := r.usage.busy * float64(r.usage.cpus) * 1e6 // µs of CPU per second of the window
	return busyPerSecond/rps - r.perRequest(r.usage.clients)
}
