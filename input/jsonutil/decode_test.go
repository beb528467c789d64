// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package jsonutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/elastic/beats/v7/libbeat/common"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// referenceDecode is what DecodeObject did before it had its own parser, and
// what it must still do: encoding/json with UseNumber, then normalizeNumbers.
func referenceDecode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ErrTrailingData
	}
	return normalizeNumbers(v), nil
}

// sameAsReference fails t when DecodeObject and encoding/json disagree on
// data: one accepts and the other rejects, a different trailing-data verdict,
// or a different value.
func sameAsReference(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := referenceDecode(data)
	got, err := DecodeObject(data)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%q: DecodeObject error %v, encoding/json error %v", data, err, wantErr)
	}
	if errors.Is(err, ErrTrailingData) != errors.Is(wantErr, ErrTrailingData) {
		t.Fatalf("%q: DecodeObject error %v, encoding/json error %v", data, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nDecodeObject  %#v\nencoding/json %#v", data, got, want)
	}

	// DecodeEvent: what libbeat's event normalization makes of the same.
	for _, keepNull := range []bool{false, true} {
		got, err := DecodeEvent(data, keepNull)
		if (err == nil) != (wantErr == nil) || errors.Is(err, ErrTrailingData) != errors.Is(wantErr, ErrTrailingData) {
			t.Fatalf("%q: DecodeEvent error %v, encoding/json error %v", data, err, wantErr)
		}
		obj, ok := want.(map[string]any)
		if !ok {
			continue // libbeat normalizes events, which are objects
		}
		normalized := common.NewGenericEventConverter(keepNull, logp.NewNopLogger()).Convert(mapstr.M(obj))
		if !reflect.DeepEqual(got, normalized) {
			t.Fatalf("%q, keep_null %t:\nDecodeEvent   %#v\nnormalization %#v", data, keepNull, got, normalized)
		}
	}
}

// tricky inputs: escapes, surrogates, invalid UTF-8, number edges, nesting,
// and near-misses of each that must be rejected.
var tricky = []string{
	`{}`, `[]`, `{"a":null,"b":[],"c":[null,{"d":null}],"e":{}}`, `{"a":1,"a":null}`, `{"a":null,"a":1}`, ` {"a" : [ 1 , 2 ] } `, `{"a":1,"a":2}`, `{"":null}`, `[[[[]]]]`,
	`"plain"`, `"tab\tquote\"back\\slash\/ctl\b\f\n\r"`, `"\u00e9\u4e2d\uD83D\uDE00"`,
	`"\uD83D"`, `"\uDE00"`, `"\uD83Dx"`, `"\uD83D\u0041"`, `"\uD83D\uD83D\uDE00"`, `"\uD83D\`, `"\uD83D\u12"`,
	"\"caf\xc3\xa9\"", "\"bad\xff utf8\"", "\"cut \xe4\xb8\"", "\"\x7f\"", "\"ctl \x01\"", `"\x"`, `"\u12G4"`, `"\u"`, `"abc`,
	`0`, `-0`, `-`, `01`, `1.`, `.5`, `1.5e`, `1e+`, `1E-7`, `-1.25e+3`, `1e400`, `-1e400`, `1e-400`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
	`18446744073709551616`, `12345678901234567890123`, `0.1e1`, `+1`, `NaN`, `Infinity`,
	`true`, `false`, `null`, `tru`, `nul`, `truex`, `[true false]`, `[1,]`, `{"a":1,}`, `{"a"}`, `{"a":}`, `{a:1}`,
	`{"a":1}}`, `{"a":1} x`, `{"a":1} {"b":2}`, `[1] `, `[1]` + "\n\t\r ", ``, ` `, `{`, `[`, `"`, `{"a":[1,{"b":"c"}]`,
	"\xef\xbb\xbf{}",
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	// wider than the members stacks that are kept (maxPooledMembers), and
	// cut short with members on the stack: the next input must not see them
	wideObject(2000) + `}`, `{"a":1,"b":{"c":2,"d":`, `{"x":{"y":1},"z":[{"a":1,"b":2},{"a":3}]}`,
}

// wideObject is {"w":{"k0":0,...}} with n members, not yet closed.
func wideObject(n int) string {
	var b strings.Builder
	b.WriteString(`{"w":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":%d`, i, i)
	}
	b.WriteString(`}`)
	return b.String()
}

func TestDecodeObjectMatchesEncodingJSON(t *testing.T) {
	for _, s := range tricky {
		sameAsReference(t, []byte(s))
	}
	for _, path := range samples(t) {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		sameAsReference(t, raw)
	}
}

func TestDecodeObjectSyntaxErrorNamesOffset(t *testing.T) {
	_, err := DecodeObject([]byte(`{"a": [1, 2 x]}`))
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 12, se.Offset)
	assert.EqualError(t, err, `invalid character 'x' after array element at offset 12`)
}

// FuzzDecodeObject checks DecodeObject against encoding/json on any input.
// Its seeds (the tricky inputs and every sample notification) run in the
// normal suite.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range tricky {
		f.Add([]byte(s))
	}
	for _, path := range samples(f) {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsReference(t, data)
	})
}

// samples are the sample webhook notifications and report entries.
func samples(tb testing.TB) []string {
	tb.Helper()
	var paths []string
	root := filepath.Join("..", "..", "testing")
	for _, dir := range []string{"webhook", "reports"} {
		p, err := zoomsim.SamplePaths(filepath.Join(root, dir))
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p...)
	}
	if len(paths) < 100 {
		tb.Fatalf("found only %d samples under %s", len(paths), root)
	}
	return paths
}

// normalizeNumbers replaces json.Number values, in place where it can:
// integers that fit int64 become int64, other integers their exact text,
// other numbers float64 (their text when out of float64's range).
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = normalizeNumbers(e)
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if !strings.ContainsAny(t.String(), ".eE") {
			return t.String()
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}

// Integers beyond int64 keep every digit, as text; a float64 once turned 2^64
// into 1.8446744073709552e+19.
func TestIntegersBeyondInt64StayExact(t *testing.T) {
	v, err := DecodeObject([]byte(`[18446744073709551616, -9223372036854775809, 9223372036854775807, 1.5e3]`))
	require.NoError(t, err)
	assert.Equal(t, []any{"18446744073709551616", "-9223372036854775809", int64(9223372036854775807), 1500.0}, v)
}
