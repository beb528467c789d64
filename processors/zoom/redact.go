// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Redacted replaces secret values when redact_secrets is on (the default).
// An empty secret stays empty, so that "no passcode" remains visible.
const Redacted = "REDACTED"

// secretKeys are payload keys whose values grant access: passcodes, host
// keys and download tokens. A SIEM is no place for them. Keys are matched
// without regard to case (a `Password` in an unknown event is one too).
var secretKeys = map[string]bool{
	"password":                true,
	"h323_password":           true,
	"pstn_password":           true,
	"encrypted_password":      true,
	"passcode":                true,
	"recording_play_passcode": true,
	"host_key":                true,
	"download_token":          true,
	"download_access_token":   true,
	"access_token":            true,
	"token":                   true,
	"zak":                     true,
	"stream_key":              true, // a live stream's key: whoever has it can stream to the channel
}

// secretParams are the query parameters of Zoom URLs that carry such
// secrets, in a URL or anywhere in free text (an agenda, a topic, a chat
// message with a join link): the passcode in join and share URLs (pwd), the
// host's ZAK token in start URLs, tokens in download URLs (jwt in the
// download URLs of files sent in meeting chats). Names match without regard
// to case; a value ends where a URL's query value would.
var secretParams = []string{"pwd", "zak", "tk", "token", "access_token", "jwt", "passcode"}

// secretParam is the same rule as a regular expression. redactURL scans
// ASCII text itself (below) and uses this only for text with other
// characters, where case folding goes beyond ASCII (the Kelvin sign is a k);
// FuzzRedactURL checks that both agree on any input.
var secretParam = regexp.MustCompile(`(?i)([?&](?:` + strings.Join(secretParams, "|") + `)=)[^&#\s"'<>]+`)

// isSecretKey reports whether a key holds a secret. strings.ToLower returns
// an all-lower-case key as it is, without allocating.
func isSecretKey(key string) bool { return secretKeys[strings.ToLower(key)] }

// redactString masks a secret value, keeping an empty one empty.
func redactString(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// redactURL masks the secret query parameters of every URL in s, whether s
// is a URL or text with URLs in it, and returns s as it is otherwise.
//
// It is a hand-written scanner rather than secretParam because the regular
// expression, run on every join, start and share URL, took a quarter of the
// processor's time on meeting and recording notifications (docs/performance.md).
func redactURL(s string) string {
	if !strings.Contains(s, "=") { // the fast path: most strings have none
		return s
	}
	var b strings.Builder
	done := 0 // s[:done] is written to b
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return secretParam.ReplaceAllString(s, "${1}"+Redacted)
		case c != '?' && c != '&':
			continue
		}
		start := i + 1 + secretParamAt(s[i+1:]) // the value's first byte
		if start == i+1 {
			continue
		}
		end := start
		for end < len(s) && !endsParamValue(s[end]) {
			end++
		}
		if end == start {
			continue // no value: nothing to mask
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[done:start])
		b.WriteString(Redacted)
		done, i = end, end-1
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// secretParamAt is the length of "name=" when s starts with a secret
// parameter's name and '=', and 0 otherwise.
func secretParamAt(s string) int {
	for _, name := range secretParams {
		if len(s) > len(name) && s[len(name)] == '=' && strings.EqualFold(s[:len(name)], name) {
			return len(name) + 1
		}
	}
	return 0
}

// endsParamValue reports whether c ends a query value: &, #, ASCII space
// (as \s of regular expressions: tab, newline, form feed, carriage return,
// space), quotes and angle brackets, where URLs end in text and markup.
func endsParamValue(c byte) bool {
	switch c {
	case '&', '#', '\t', '\n', '\f', '\r', ' ', '"', '\'', '<', '>':
		return true
	}
	return false
}

// redactDeep masks secrets inside a value that is kept whole (flattened
// fields such as settings and old values): secret keys at any depth, and
// secret URL parameters in any string. It changes v's objects and lists in
// place: they are the notification's, which the mapping consumes, and a copy
// of each cost more than the rest of their placement.
func redactDeep(key string, v any) any {
	switch t := v.(type) {
	case string:
		if isSecretKey(key) {
			return redactString(t)
		}
		return redactURL(t)
	case []any:
		for i, e := range t {
			t[i] = redactDeep(key, e)
		}
	default:
		if m, ok := asMap(v); ok {
			for k, e := range m {
				m[k] = redactDeep(k, e)
			}
			return m // as a plain map, which the outputs encode without reflection
		}
		if isSecretKey(key) && v != nil {
			return Redacted
		}
	}
	return v
}

// redactJSON masks, in the JSON text of a notification (event.original), what
// redactDeep masks in values: the values of secret keys and secret URL
// parameters in strings. Everything else stays byte for byte as it was, key
// order and spacing included. Text that is not JSON is only searched for
// URL parameters.
func redactJSON(text string) string {
	if !json.Valid([]byte(text)) {
		return redactURL(text)
	}
	type level struct {
		object bool
		key    string // the key whose value this array or object is
	}
	var (
		out       strings.Builder
		stack     []level
		key       string // the last key read in the innermost object
		expectKey bool
	)
	// valueKey is the key that governs a value at the current position: the
	// object member's key, or an array's own key for its elements.
	valueKey := func() string {
		if len(stack) == 0 {
			return ""
		}
		if top := stack[len(stack)-1]; !top.object {
			return top.key
		}
		return key
	}
	out.Grow(len(text))
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '{' || c == '[':
			stack = append(stack, level{object: c == '{', key: valueKey()})
			expectKey = c == '{'
			out.WriteByte(c)
			i++
		case c == '}' || c == ']':
			stack = stack[:len(stack)-1]
			expectKey = false
			out.WriteByte(c)
			i++
		case c == ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
			out.WriteByte(c)
			i++
		case c == ':':
			expectKey = false
			out.WriteByte(c)
			i++
		case c == '"':
			end := stringEnd(text, i)
			raw := text[i:end]
			var s string
			_ = json.Unmarshal([]byte(raw), &s) // valid: json.Valid said so
			switch {
			case expectKey:
				key = s
				out.WriteString(raw)
			case isSecretKey(valueKey()) && s != "":
				out.WriteString(`"` + Redacted + `"`)
			case redactURL(s) != s:
				out.Write(quoteJSON(redactURL(s)))
			default:
				out.WriteString(raw)
			}
			i = end
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			out.WriteByte(c)
			i++
		default: // a number, true, false or null
			end := i
			for end < len(text) && !strings.ContainsRune(",}] \t\n\r", rune(text[end])) {
				end++
			}
			if lit := text[i:end]; lit != "null" && isSecretKey(valueKey()) {
				out.WriteString(`"` + Redacted + `"`)
			} else {
				out.WriteString(lit)
			}
			i = end
		}
	}
	return out.String()
}

// stringEnd returns the index after the closing quote of the JSON string
// that opens at start.
func stringEnd(text string, start int) int {
	for i := start + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(text)
}

// quoteJSON encodes s as a JSON string, leaving <, > and & as they are.
func quoteJSON(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
