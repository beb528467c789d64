// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package jsonutil decodes the JSON that Zoom sends into the values Filebeat
// events hold, keeping numbers exact.
package jsonutil

import "sync"

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

// memberStacks holds decoders' members stacks between decodes: a stack that
// serves one body is empty again at its end, and a new one for every body
// would cost more than the map growth it saves.
var memberStacks = sync.Pool{New: func() any { return new([]member) }}

// maxPooledMembers bounds the stacks kept: Zoom's notifications and report
// pages have objects of a few dozen members.
const maxPooledMembers = 1024

func decode(d decoder) (any, error) {
	d.text = string(d.data)
	stack := memberStacks.Get().(*[]member)
	d.members = (*stack)[:0]
	defer func() {
		if cap(d.members) > maxPooledMembers {
			return // an outsized body's stack is not kept
		}
		clear(d.members) // after an error, the open objects' members are left
		*stack = d.members[:0]
		memberStacks.Put(stack)
	}()
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
