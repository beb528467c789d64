// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package statuslog records the statuses an input reports, as Elastic
// Agent's unit would see them, for the inputs' tests.
package statuslog

import (
	"sync"

	"github.com/elastic/beats/v7/libbeat/management/status"
)

// Log is a status.StatusReporter that keeps every report as
// "<Status>: <message>".
type Log struct {
	mu   sync.Mutex
	seen []string
}

func (l *Log) UpdateStatus(s status.Status, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, s.String()+": "+msg)
}

// All is every report so far, in order.
func (l *Log) All() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

// Last is the latest report, "" before the first.
func (l *Log) Last() string {
	all := l.All()
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}
