// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package jsonutil decodes the JSON that Zoom sends into the values Filebeat
// events hold, keeping numbers exact.
package jsonutil

// DecodeObject decodes one JSON value from data, which must hold nothing
// else. Numbers are kept exact: integers that fit int64 become int64 (a
// 64-bit meeting id must not pass through a float64), larger integers their
// exact text, other numbers float64.
func DecodeObject(data []byte) (any, error) {
	return decode(decoder{data: data})
}

// DecodeEvent decodes like DecodeObject, but into the values that libbeat's
// event normalization would make of DecodeObject's: objects are mapstr.M,
// and their null members are dropped unless keepNull (the input's keep_null
// setting). An input that builds its events from DecodeEvent's values (and
// other normalized ones) can publish them with normalization turned off,
// which saves a copy of every event.
func DecodeEvent(data []byte, keepNull bool) (any, error) {
	return decode(decoder{data: data, event: true, keepNull: keepNull})
}

func decode(d decoder) (any, error) {
	d.text = string(d.data)
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
