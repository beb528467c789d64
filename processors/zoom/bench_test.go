// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/outputs/codec/json"
	"github.com/elastic/elastic-agent-libs/mapstr"
	"github.com/stretchr/testify/require"
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

// TestMappedObjectsArePlainMaps: the objects the mapping makes are plain maps,
// not mapstr.M, and its lists of objects are []any, because the outputs'
// encoder converts every named map type and folds every other slice type
// through reflection (about 15 % more encoding time for a mapped document:
// BenchmarkEncodeDocument). Only the objects the input event brought (event,
// http) may be mapstr.M.
func TestMappedObjectsArePlainMaps(t *testing.T) {
	p := mustProcessor(t, nil)
	for _, pl := range payloads(t) {
		in := inputEvent(t, pl.raw)
		brought := map[string]bool{}
		for k := range in.Fields {
			brought[k] = true
		}
		ev, err := p.Run(in)
		require.NoError(t, err)
		// Lists are checked everywhere, maps outside what the input brought
		// (whose decoded objects the mapping adopts as they are).
		var walk func(path string, v any, inBrought bool)
		walk = func(path string, v any, inBrought bool) {
			switch o := v.(type) {
			case mapstr.M:
				if !inBrought {
					t.Errorf("%s: %s is a mapstr.M", pl.name, path)
				}
				for k, e := range o {
					walk(path+"."+k, e, inBrought)
				}
			case []mapstr.M, []map[string]any:
				t.Errorf("%s: %s is a %T", pl.name, path, v)
			case map[string]any:
				for k, e := range o {
					walk(path+"."+k, e, inBrought)
				}
			case []any:
				for i, e := range o {
					walk(fmt.Sprintf("%s[%d]", path, i), e, inBrought)
				}
			}
		}
		for k, v := range ev.Fields {
			walk(k, v, brought[k])
		}
	}
}

// BenchmarkEncodeDocument: what the outputs' JSON encoder (libbeat's codec,
// which the file and Elasticsearch outputs use) costs per mapped document.
func BenchmarkEncodeDocument(b *testing.B) {
	p := mustProcessor(b, nil)
	var events []*beat.Event
	for _, pl := range payloads(b) {
		ev, err := p.Run(inputEvent(b, pl.raw))
		if err != nil {
			b.Fatal(err)
		}
		events = append(events, ev)
	}
	enc := json.New("9.3.0", json.Config{})
	b.ReportAllocs()
	for i := range b.N {
		if _, err := enc.Encode("filebeat", events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
	}
}
