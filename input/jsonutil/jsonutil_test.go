// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package jsonutil

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeObjectKeepsNumbersExact(t *testing.T) {
	v, err := DecodeObject([]byte(`{"id":9223372036854775807,"big":9007199254740993,"f":0.5,"e":1e3,"neg":-12,"huge":1e400,"list":[1,"a",{"n":2}]}`))
	require.NoError(t, err)
	m := v.(map[string]any)
	assert.Equal(t, int64(9223372036854775807), m["id"])
	assert.Equal(t, int64(9007199254740993), m["big"], "beyond float64's 2^53")
	assert.Equal(t, 0.5, m["f"])
	assert.Equal(t, float64(1000), m["e"])
	assert.Equal(t, int64(-12), m["neg"])
	assert.Equal(t, "1e400", m["huge"], "a number no float holds stays as written")
	assert.Equal(t, []any{int64(1), "a", map[string]any{"n": int64(2)}}, m["list"])
}

func TestDecodeObjectErrors(t *testing.T) {
	_, err := DecodeObject([]byte(`{"a":1} {"b":2}`))
	assert.ErrorIs(t, err, ErrTrailingData)
	_, err = DecodeObject([]byte(`{"a":`))
	assert.Error(t, err)
	_, err = DecodeObject(nil)
	assert.Error(t, err)
}

func BenchmarkDecodeObject(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testing", "webhook", "recording", "recording.completed.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := DecodeObject(raw); err != nil {
			b.Fatal(err)
		}
	}
}
