// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// pseudonymizeConfig is the zoom processor's `pseudonymize` option: for
// privacy-bound deployments, people's identifiers are replaced by keyed
// HMACs, the same for the same person in every event, every source and
// every restart (so that joins and detections still work), and unreadable
// without the key.
type pseudonymizeConfig struct {
	Enabled    bool     `config:"enabled"`
	Key        string   `config:"key"`         // from the keystore, e.g. ${ZOOM_PSEUDONYM_KEY}
	KeepDomain bool     `config:"keep_domain"` // keep the domain of email addresses (and *.domain fields)
	Fields     []string `config:"fields"`      // dotted paths; a "*" segment matches any one key
}

// defaultPseudonymizedFields are the fields that hold a person's email, name,
// phone number, IP address or id in the documents the processor writes.
var defaultPseudonymizedFields = []string{
	// ECS
	"user.id", "user.email", "user.name", "user.full_name", "user.domain",
	"user.target.id", "user.target.email", "user.target.name", "user.target.full_name", "user.target.domain",
	"user.changes.id", "user.changes.email", "user.changes.name", "user.changes.full_name", "user.changes.domain",
	"source.user.id", "source.user.name", "source.user.email", "source.user.full_name", "source.user.domain",
	"destination.user.id", "destination.user.name", "destination.user.email", "destination.user.full_name", "destination.user.domain",
	"related.user", "source.ip", "related.ip",
	// zoom.*: operators, users, hosts, participants, registrants, callers
	"zoom.operator", "zoom.operator_id", "zoom.operator_member_id",
	"zoom.user.id", "zoom.user.email", "zoom.user.first_name", "zoom.user.last_name", "zoom.user.display_name",
	"zoom.user.phone_number", "zoom.user.pmi", "zoom.user.vanity_name", "zoom.user.pic_url", "zoom.user.personal_notes",
	"zoom.account.owner_id", "zoom.account.owner_email", "zoom.account.email", "zoom.account.account_support_email", "zoom.account.account_support_name",
	"zoom.*.host_id", "zoom.*.host_email",
	"zoom.participant.id", "zoom.participant.user_id", "zoom.participant.participant_user_id", "zoom.participant.participant_uuid",
	"zoom.participant.user_name", "zoom.participant.email", "zoom.participant.phone_number",
	"zoom.participant.public_ip", "zoom.participant.private_ip", "zoom.participant.registrant_id", "zoom.participant.customer_key",
	"zoom.registrant.id", "zoom.registrant.first_name", "zoom.registrant.last_name", "zoom.registrant.email",
	"zoom.registrant.address", "zoom.registrant.phone", "zoom.registrant.zip",
	"zoom.*.chat_message.sender_name", "zoom.*.chat_message.sender_email", "zoom.*.chat_message.recipient_name", "zoom.*.chat_message.recipient_email",
	"zoom.chat_message.contact_email", "zoom.chat_message.contact_id", "zoom.chat_message.contact_member_id",
	"zoom.phone.user_id",
	"zoom.phone.*.user_id", "zoom.phone.*.name", "zoom.phone.*.phone_number", "zoom.phone.*.extension_number",
	"zoom.phone.*.extension_id", "zoom.phone.*.device_id", "zoom.phone.*.device_name",
	"zoom.phone.call_logs.caller_user_id", "zoom.phone.call_logs.caller_name", "zoom.phone.call_logs.caller_number",
	"zoom.phone.call_logs.callee_user_id", "zoom.phone.call_logs.callee_name", "zoom.phone.call_logs.callee_number",
	"zoom.recording.participant_audio_files.file_name",
	"zoom.activity.email", "zoom.activity.ip_address",
	"zoom.operation.target",
}

func (c *pseudonymizeConfig) validate() error {
	if !c.Enabled {
		return nil
	}
	if len(c.Key) < 16 {
		return errors.New("pseudonymize.key must be at least 16 characters (keep it in the keystore, e.g. ${ZOOM_PSEUDONYM_KEY})")
	}
	for _, f := range c.Fields {
		if f == "" || strings.Contains(f, "..") {
			return fmt.Errorf("pseudonymize.fields: %q is not a field path", f)
		}
	}
	return nil
}

// pseudonymizer replaces identifiers in a document.
type pseudonymizer struct {
	key        []byte
	keepDomain bool
	patterns   [][]string // field paths split into segments
}

func newPseudonymizer(c pseudonymizeConfig) *pseudonymizer {
	fields := c.Fields
	if len(fields) == 0 {
		fields = defaultPseudonymizedFields
	}
	p := &pseudonymizer{key: []byte(c.Key), keepDomain: c.KeepDomain}
	for _, f := range fields {
		p.patterns = append(p.patterns, strings.Split(f, "."))
	}
	return p
}

var emailAnywhereRE = regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// token is the pseudonym of one value: "pz-" and 20 hex digits of
// HMAC-SHA256(key, value). Emails are lower-cased first, so that the same
// address in two spellings is the same person; with keep_domain they keep
// their domain.
func (p *pseudonymizer) token(v string) string {
	if ip, err := netip.ParseAddr(v); err == nil {
		return p.ipToken(ip)
	}
	if emailAnywhereRE.MatchString(v) && emailAnywhereRE.FindString(v) == v {
		local, domain, _ := strings.Cut(strings.ToLower(v), "@")
		t := "pz-" + p.mac(local+"@"+domain)
		if p.keepDomain {
			return t + "@" + domain
		}
		return t
	}
	return "pz-" + p.mac(v)
}

func (p *pseudonymizer) mac(v string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:10])
}

// ipToken keeps an IP address an IP address, so that ip fields stay
// indexable: IPv4 addresses map into 240.0.0.0/4 (reserved, never routed),
// IPv6 addresses into fd00::/8 (unique local).
func (p *pseudonymizer) ipToken(ip netip.Addr) string {
	m := hmac.New(sha256.New, p.key)
	m.Write(ip.AsSlice())
	sum := m.Sum(nil)
	if ip.Unmap().Is4() {
		return netip.AddrFrom4([4]byte{0xf0 | sum[0]&0x0f, sum[1], sum[2], sum[3]}).String()
	}
	var b [16]byte
	copy(b[:], sum)
	b[0] = 0xfd
	return netip.AddrFrom16(b).String()
}

// apply pseudonymizes the configured fields of doc, then replaces every
// remaining occurrence of the values it replaced, and every email address,
// in every string of the document (message, event.original, flattened
// fields, URLs...).
func (p *pseudonymizer) apply(doc mapstr.M) {
	seen := map[string]string{} // original -> token
	p.walkFields(doc, nil, func(key, v string) string {
		if v == "" || v == Redacted || strings.HasPrefix(v, "pz-") {
			return v
		}
		if p.keepDomain && key == "domain" {
			return v // user.domain and the like, kept with keep_domain
		}
		t := p.token(v)
		seen[v] = t
		return t
	})
	originals := make([]string, 0, len(seen))
	for o := range seen {
		if len(o) >= 3 { // shorter values (a type code) say nothing about a person
			originals = append(originals, o)
		}
	}
	// Longest first, so that "Jill Chill" goes before "Jill".
	sort.Slice(originals, func(i, j int) bool { return len(originals[i]) > len(originals[j]) })
	scrubStrings(doc, func(s string) string {
		for _, o := range originals {
			s = replaceWhole(s, o, seen[o])
		}
		return emailAnywhereRE.ReplaceAllStringFunc(s, func(e string) string {
			if strings.HasPrefix(e, "pz-") {
				return e
			}
			return p.token(e)
		})
	})
}

// replaceWhole replaces old in s where it stands on its own: not inside a
// longer word, so that an id or a name replaces the id or the name and not a
// part of another word (or of a JSON key).
func replaceWhole(s, old, repl string) string {
	if !strings.Contains(s, old) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if (i > 0 && isWordByte(s[i-1])) || (end < len(s) && isWordByte(s[end])) {
			b.WriteString(s[:end])
		} else {
			b.WriteString(s[:i])
			b.WriteString(repl)
		}
		s = s[end:]
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// walkFields calls f with the field's key on every string (or string in a
// list) of the fields that match a pattern, and stores what f returns.
func (p *pseudonymizer) walkFields(m map[string]any, prefix []string, f func(key, value string) string) {
	for k, v := range m {
		path := append(prefix[:len(prefix):len(prefix)], k)
		if p.matches(path) {
			m[k] = mapStrings(v, func(s string) string { return f(k, s) })
			continue
		}
		if child, ok := asMap(v); ok && p.mayMatchBelow(path) {
			p.walkFields(child, path, f)
		}
		if list, ok := v.([]any); ok && p.mayMatchBelow(path) { // nested fields
			for _, e := range list {
				if child, ok := asMap(e); ok {
					p.walkFields(child, path, f)
				}
			}
		}
	}
}

func (p *pseudonymizer) matches(path []string) bool {
	for _, pat := range p.patterns {
		if len(pat) == len(path) && segmentsMatch(pat, path) {
			return true
		}
	}
	return false
}

func (p *pseudonymizer) mayMatchBelow(path []string) bool {
	for _, pat := range p.patterns {
		if len(pat) > len(path) && segmentsMatch(pat[:len(path)], path) {
			return true
		}
	}
	return false
}

func segmentsMatch(pat, path []string) bool {
	for i := range pat {
		if pat[i] != "*" && pat[i] != path[i] {
			return false
		}
	}
	return true
}

// mapStrings applies f to a string, or to each string of a list.
func mapStrings(v any, f func(string) string) any {
	switch t := v.(type) {
	case string:
		return f(t)
	case []string:
		out := make([]string, len(t))
		for i, s := range t {
			out[i] = f(s)
		}
		return dedupe(out)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = mapStrings(e, f)
		}
		return out
	}
	return v
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// scrubStrings rewrites every string in v, at any depth.
func scrubStrings(m map[string]any, f func(string) string) {
	for k, v := range m {
		m[k] = scrubValue(v, f)
	}
}

func scrubValue(v any, f func(string) string) any {
	switch t := v.(type) {
	case string:
		return f(t)
	case []string:
		// Copied on the first change, not rewritten in place: a list of
		// strings may be shared by every event (libbeat's tags), and writing
		// into it would change the others, racing with the outputs.
		var out []string
		for i, s := range t {
			if r := f(s); r != s {
				if out == nil {
					out = slices.Clone(t)
				}
				out[i] = r
			}
		}
		if out != nil {
			return out
		}
		return t
	case []any:
		for i := range t {
			t[i] = scrubValue(t[i], f)
		}
		return t
	case []mapstr.M:
		for _, e := range t {
			scrubStrings(e, f)
		}
		return t
	}
	if child, ok := asMap(v); ok {
		scrubStrings(child, f) // in place: v keeps its map type
	}
	return v
}
