// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"path/filepath"
	"testing"

	"github.com/elastic/beats/v7/libbeat/beat"
)

// BenchmarkProcessor maps one sample of each family (and report) per iteration
// (`go test -bench Processor -benchmem ./processors/zoom`).
func BenchmarkProcessor(b *testing.B) {
	p := mustProcessor(b, nil)
	samples := map[string][]byte{}
	for _, pl := range payloads(b) {
		fam := filepath.Dir(pl.name)
		if _, ok := samples[fam]; !ok || len(pl.raw) > len(samples[fam]) {
			samples[fam] = pl.raw // the largest sample of the family
		}
	}
	for fam, raw := range samples {
		b.Run(fam, func(b *testing.B) {
			// Run consumes its event, so the input's events are made
			// outside the timer, a chunk at a time: stopping the timer per
			// event would stop the world (ReadMemStats) per event.
			const chunk = 512
			events := make([]*beat.Event, 0, chunk)
			b.ReportAllocs()
			for i := range b.N {
				if i%chunk == 0 {
					b.StopTimer()
					events = events[:0]
					for range min(chunk, b.N-i) {
						events = append(events, inputEvent(b, raw))
					}
					b.StartTimer()
				}
				if _, err := p.Run(events[i%chunk]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
