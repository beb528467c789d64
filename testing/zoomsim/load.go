// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Notification is a sample notification that can be made into any number
// of distinct notifications: its event_ts digits are rewritten, so each
// copy has its own body and so its own delivery id.
type Notification struct {
	Body   []byte // compact JSON
	tsAt   int    // offset of the 13 event_ts digits
	tsBase int64
}

var eventTSRE = regexp.MustCompile(`"event_ts":\s*(\d{13})`)

// SamplePaths lists the samples under dir (testing/webhook or
// testing/reports): the files <family>/<name>.json, without the golden
// documents (<name>.expected.json) beside them.
func SamplePaths(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		return nil, err
	}
	samples := paths[:0]
	for _, p := range paths {
		if !strings.HasSuffix(p, ".expected.json") {
			samples = append(samples, p)
		}
	}
	return samples, nil
}

// LoadNotifications reads the samples under dir (testing/webhook), leaving
// out the golden documents.
func LoadNotifications(dir string) ([]Notification, error) {
	paths, err := SamplePaths(dir)
	if err != nil {
		return nil, err
	}
	var out []Notification
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		b = compact.Bytes()
		m := eventTSRE.FindSubmatchIndex(b)
		if m == nil {
			continue
		}
		base, _ := strconv.ParseInt(string(b[m[2]:m[3]]), 10, 64)
		out = append(out, Notification{Body: b, tsAt: m[2], tsBase: base})
	}
	if len(out) == 0 {
		return nil, errors.New("no sample notifications under " + dir)
	}
	return out, nil
}

// Nth returns the n-th distinct copy of the notification.
func (s Notification) Nth(n int64) []byte {
	b := append([]byte(nil), s.Body...)
	copy(b[s.tsAt:s.tsAt+13], strconv.FormatInt(s.tsBase+n, 10))
	return b
}
