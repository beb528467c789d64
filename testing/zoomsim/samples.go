// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomsim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// SampleEntries reads the report samples in dir (testing/reports/<report>,
// files of {"report", "account_id", "entry"}) and returns their entries with
// their times spread evenly over the span before newest, oldest first, so
// that a stand-in report covers several days and pages.
func SampleEntries(dir string, newest time.Time, span time.Duration) ([]map[string]any, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var samples []string
	for _, f := range files {
		if filepath.Ext(f[:len(f)-len(".json")]) != ".expected" {
			samples = append(samples, f)
		}
	}
	sort.Strings(samples)
	var out []map[string]any
	for i, f := range samples {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var s struct{ Entry map[string]any }
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, err
		}
		step := span / time.Duration(max(len(samples)-1, 1))
		key := "time"
		if _, ok := s.Entry["activity_time"]; ok { // the meeting activities report's
			key = "activity_time"
		}
		s.Entry[key] = newest.Add(-span + time.Duration(i)*step).UTC().Truncate(time.Second).Format(time.RFC3339)
		out = append(out, s.Entry)
	}
	return out, nil
}
