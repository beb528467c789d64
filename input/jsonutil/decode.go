// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package jsonutil

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// maxDepth bounds the nesting of arrays and objects, as encoding/json does,
// so that a body of a million '[' is an error rather than a deep recursion.
const maxDepth = 10000

// decoder is a single-pass JSON parser that builds the values Filebeat events
// hold directly: map[string]any, []any, string, bool, nil, and exact numbers.
// It replaces encoding/json's Decoder with UseNumber followed by a walk that
// converts every json.Number: the profile of the webhook path showed that
// pair as its largest single cost. It accepts exactly what encoding/json
// accepts and yields the same values (FuzzDecodeObject checks both).
type decoder struct {
	data []byte
	// text is data as one string, made once: a string without escapes is
	// a slice of it rather than an allocation of its own (a notification
	// has a hundred or so). The values then share text's memory, which
	// lives as long as any of them: the values of one body live and die
	// together anyway, in one event.
	text  string
	pos   int
	depth int
	// event makes objects mapstr.M and drops their null members unless
	// keepNull: the values libbeat's event normalization would make.
	event, keepNull bool
	// members holds the key/value pairs of the objects being decoded, the
	// innermost last, so that each object's map is made at its final size
	// instead of growing (and rehashing) as members arrive.
	members []member
}

type member struct {
	key   string
	value any
}

// SyntaxError is a JSON syntax error and the byte offset where it was found.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset) }

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Msg: fmt.Sprintf(format, args...), Offset: d.pos}
}

// unexpected describes the byte at the current position, or the end.
func (d *decoder) unexpected(context string) error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of JSON input")
	}
	return d.errorf("invalid character %s %s", quoteChar(d.data[d.pos]), context)
}

func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	case c < 0x20 || c >= 0x7f:
		return strconv.Quote(string(rune(c)))
	}
	return "'" + string(c) + "'"
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (any, error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, d.unexpected("")
	}
	switch c := d.data[d.pos]; {
	case c == '{' && d.event:
		return object[mapstr.M](d)
	case c == '{':
		return object[map[string]any](d)
	case c == '[':
		return d.array()
	case c == '"':
		return d.string()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, d.unexpected("looking for beginning of value")
}

func (d *decoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != word[i] {
			return d.unexpected(fmt.Sprintf("in literal %s (expecting %s)", word, quoteChar(word[i])))
		}
		d.pos++
	}
	return nil
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return d.errorf("exceeded max depth of %d", maxDepth)
	}
	return nil
}

// open enters the object or array at d.pos and says whether it is empty,
// in which case it has also read its end.
func (d *decoder) open(end byte) (bool, error) {
	if err := d.enter(); err != nil {
		return false, err
	}
	d.pos++ // '{' or '['
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == end {
		d.pos++
		d.depth--
		return true, nil
	}
	return false, nil
}

// next reads what follows a member of an object or array: a comma (another
// member follows) or the end.
func (d *decoder) next(end byte, context string) (bool, error) {
	d.skipSpace()
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			return true, nil
		case end:
			d.pos++
			d.depth--
			return false, nil
		}
	}
	return false, d.unexpected(context)
}

// object decodes the object at d.pos into a map of type M.
func object[M ~map[string]any](d *decoder) (any, error) {
	if empty, err := d.open('}'); err != nil || empty {
		return make(M), err
	}
	start := len(d.members)
	for more := true; more; {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.unexpected("looking for beginning of object key string")
		}
		key, err := d.string()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.unexpected("after object key")
		}
		d.pos++
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.members = append(d.members, member{key, v})
		if more, err = d.next('}', "after object key:value pair"); err != nil {
			return nil, err
		}
	}
	obj := make(M, len(d.members)-start)
	for _, m := range d.members[start:] {
		if m.value != nil || !d.event || d.keepNull {
			obj[m.key] = m.value // a repeated key: the last one wins, as in encoding/json
		} else {
			delete(obj, m.key) // a null after a value: the null wins, and is dropped
		}
	}
	clear(d.members[start:])
	d.members = d.members[:start]
	return obj, nil
}

func (d *decoder) array() (any, error) {
	// An empty array is []any{} as encoding/json makes it, or nil as libbeat's
	// normalization makes it (both are written as []).
	var arr []any
	if !d.event {
		arr = []any{}
	}
	if empty, err := d.open(']'); err != nil || empty {
		return arr, err
	}
	for more := true; more; {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		if more, err = d.next(']', "after array element"); err != nil {
			return nil, err
		}
	}
	return arr, nil
}

// string decodes the string at d.pos, which is at its opening quote. Strings
// without escapes or invalid UTF-8 (nearly all of Zoom's) are one slice copy.
func (d *decoder) string() (string, error) {
	d.pos++ // '"'
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if plainStringByte[c] {
			d.pos++
			continue
		}
		switch {
		case c == '"':
			s := d.text[start:d.pos]
			d.pos++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return d.slowString(start)
		default: // a control character
			return "", d.unexpected("in string literal")
		}
	}
	return "", d.unexpected("")
}

// plainStringByte marks the bytes a string's fast path passes over: printable
// ASCII other than the quote and the backslash. One lookup per byte instead of
// four comparisons; strings are most of a notification's bytes.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// slowString decodes a string with escapes or non-ASCII bytes, from start
// (just after the opening quote). Like encoding/json, it turns invalid UTF-8
// and lone surrogates into U+FFFD rather than failing.
func (d *decoder) slowString(start int) (string, error) {
	buf := make([]byte, d.pos-start, d.pos-start+32)
	copy(buf, d.data[start:d.pos])
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return string(buf), nil
		case c < 0x20:
			return "", d.unexpected("in string literal")
		case c == '\\':
			d.pos++
			if d.pos >= len(d.data) {
				return "", d.unexpected("")
			}
			switch e := d.data[d.pos]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(d.data[d.pos+1:])
				if !ok {
					d.pos++
					for d.pos < len(d.data) && isHex(d.data[d.pos]) {
						d.pos++
					}
					return "", d.unexpected("in \\u hexadecimal character escape")
				}
				d.pos += 4 // on the escape's last digit
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one is one
					// character; anything else is U+FFFD for this half.
					if rest := d.data[d.pos+1:]; len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
						if r2, ok := hex4(rest[2:]); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								d.pos += 6
								buf = utf8.AppendRune(buf, dec)
								break
							}
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", d.unexpected("in string escape code")
			}
			d.pos++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, d.data[d.pos:d.pos+size]...)
			}
			d.pos += size
		}
	}
	return "", d.unexpected("")
}

// hex4 reads the four hex digits that start b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number scans a JSON number (RFC 8259's grammar, as encoding/json checks it)
// and converts it as DecodeObject promises: an int64 when it is an integer
// that fits; an integer beyond int64 as its exact text (a float64 would keep
// 2^64 as 1.8446744073709552e+19, and an id that loses digits is another
// id); other numbers a float64, else (out of float64's range) their text.
func (d *decoder) number() (any, error) {
	start := d.pos
	isInt := true
	if d.data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '0':
		d.pos++
	case d.pos < len(d.data) && d.data[d.pos] >= '1' && d.data[d.pos] <= '9':
		d.digits()
	default:
		return nil, d.unexpected("in numeric literal")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		isInt = false
		d.pos++
		if !d.digits() {
			return nil, d.unexpected("after decimal point in numeric literal")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		isInt = false
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !d.digits() {
			return nil, d.unexpected("in exponent of numeric literal")
		}
	}
	text := d.data[start:d.pos]
	if isInt {
		if i, ok := parseInt64(text); ok {
			return i, nil
		}
		return string(text), nil
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return string(text), nil
		}
		return nil, d.errorf("number %s: %v", text, err)
	}
	return f, nil
}

// digits skips ASCII digits and says whether there was at least one.
func (d *decoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

// parseInt64 parses an optionally negative run of digits without allocating;
// it fails on overflow, which sends the number to ParseFloat.
func parseInt64(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		u = u*10 + uint64(c-'0')
	}
	switch {
	case !neg && u <= 1<<63-1:
		return int64(u), true
	case neg && u <= 1<<63:
		return int64(-u), true
	}
	return 0, false
}
