// Package jsonutil decodes the JSON that Zoom sends into the values Filebeat
// events hold, keeping numbers exact.
package jsonutil

import (
	"encoding/json"
)

// DecodeObject decodes one JSON value from data, which must hold nothing
// else. Numbers are kept exact: integers that fit int64 become int64 (a
// 64-bit meeting id must not pass through a float64), other numbers
// float64.
func DecodeObject(data []byte) (any, error) {
	d := decoder{data: data}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, ErrTrailingData
	}
	return v, nil
}

// ErrTrailingData is returned for data after the JSON value.
var ErrTrailingData = errTrailing{}

type errTrailing struct{}

func (errTrailing) Error() string { return "data after the JSON value" }

// NormalizeNumbers replaces json.Number values, in place where it can:
// integers that fit int64 become int64, other numbers float64.
func NormalizeNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = NormalizeNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = NormalizeNumbers(e)
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}
