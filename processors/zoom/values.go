// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/beats/v7/libbeat/common"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

// asMap returns v as a map when it is a JSON object, whichever map type the
// input used to hold it.
func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case mapstr.M:
		return m, true
	}
	return nil, false
}

// objectsOf returns the objects of a nested field's list as the mapping
// makes it ([]any of maps), skipping anything else; nil when v is no list.
func objectsOf(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, e := range list {
		if o, ok := asMap(e); ok {
			out = append(out, o)
		}
	}
	return out
}

// asTime returns v as a time when it is one: a time.Time, or libbeat's
// common.Time, which the input and libbeat's normalization use for
// event.created.
func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case common.Time:
		return time.Time(t), true
	}
	return time.Time{}, false
}

// kind names a JSON value's kind, for error messages.
func kind(v any) string {
	switch v.(type) {
	case map[string]any, mapstr.M:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

// number returns v as a float64 when it is a JSON number in any of the
// forms the input may produce.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// toKeyword renders a scalar as the string a keyword field holds. Integers
// keep every digit: a 64-bit meeting id must not pass through a float.
func toKeyword(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case int:
		return strconv.Itoa(t), nil
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), nil
	case json.Number:
		return t.String(), nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	return "", fmt.Errorf("is %s, not a keyword", kind(v))
}

func toLong(v any) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case string:
		if i, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err == nil {
			return i, nil
		}
	default:
		if f, ok := number(v); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), nil
		}
	}
	return 0, fmt.Errorf("is %s, not an integer", describe(v))
}

func toBool(v any) (bool, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case string:
		if b, err := strconv.ParseBool(t); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("is %s, not a boolean", describe(v))
}

func toIP(v any) (string, error) {
	s, ok := v.(string)
	if ok {
		if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
			return a.String(), nil
		}
	}
	return "", fmt.Errorf("is %s, not an IP address", describe(v))
}

// timeLayouts are the forms of Zoom's time strings: RFC 3339 with or without
// fractions, and the same without a zone (UTC), as some families send.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// epochMillisFloor separates epoch milliseconds from epoch seconds: any
// Zoom time in milliseconds is after 1973, far above this.
const epochMillisFloor = 1e11

// toTime parses a Zoom time: an RFC 3339 string (fractions optional), or an
// epoch number (milliseconds, or seconds when small), also as a string. Years
// outside 1-9999 are refused: Elasticsearch's date format takes four-digit
// years, and Go's JSON encoding fails on others.
func toTime(v any) (time.Time, error) {
	t, err := parseTime(v)
	if err == nil && (t.Year() < 1 || t.Year() > 9999) {
		return time.Time{}, fmt.Errorf("is %s, a date outside the years 1-9999", describe(v))
	}
	return t, err
}

func parseTime(v any) (time.Time, error) {
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return epochTime(f), nil
		}
		return time.Time{}, fmt.Errorf("is %s, not a date", describe(v))
	}
	if f, ok := number(v); ok {
		return epochTime(f), nil
	}
	return time.Time{}, fmt.Errorf("is %s, not a date", describe(v))
}

func epochTime(f float64) time.Time {
	if math.Abs(f) >= epochMillisFloor {
		return time.UnixMilli(int64(f)).UTC()
	}
	return time.Unix(int64(f), 0).UTC()
}

// describe quotes short scalars in error messages; it never prints objects.
func describe(v any) string {
	switch t := v.(type) {
	case string:
		if len(t) > 40 {
			t = t[:40] + "..."
		}
		return strconv.Quote(t)
	case map[string]any, mapstr.M, []any, nil:
		return kind(v)
	}
	s, _ := toKeyword(v)
	return s
}
