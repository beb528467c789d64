// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// operationDetail is what Zoom's free-text operation_detail says, where it
// has structure. Zoom writes it as "<Verb> <Object> <target>" followed by
// " - Key: Value" parts, values of changes as "from A to B", and some
// details end with a JSON object.
type operationDetail struct {
	Head    string               // the first part, e.g. "Add User jdoe@example.com"
	Target  string               // what the head acts on, e.g. "jdoe@example.com"
	Emails  []string             // every email address in the text, in order
	Fields  map[string]string    // "Key: Value" parts, by snake_case key
	Changes map[string][2]string // "Key: from A to B" parts: old, new
	JSON    map[string]any       // the JSON object the text carries, if any
}

var (
	emailRE  = regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	changeRE = regexp.MustCompile(`(?is)^from\s+(.*?)\s+to\s+(.*)$`)
	verbRE   = regexp.MustCompile(`(?i)^(add|create|delete|remove|update|edit|change|assign|unassign|enable|disable|activate|deactivate|recover|restore|reset|revoke|approve|deny|cancel|upgrade|downgrade|transfer|install|uninstall)\s+`)
	// objectRE names what the verb acts on, longest first, so that the rest
	// of the head is the target ("Zoom Room Boardroom", "User jdoe@...").
	objectRE = regexp.MustCompile(`(?i)^(zoom rooms?|sub account|account settings?|user settings?|users?|roles?|groups?|meetings?|webinars?|recordings?|rooms?|locations?|devices?|apps?|phone numbers?|sso configuration|sso)\b\s*`)
)

// parseOperationDetail reads what structure there is in text. It never
// fails: text without structure gives a Head and nothing else.
func parseOperationDetail(text string) operationDetail {
	d := operationDetail{}
	rest := text
	if i := strings.IndexByte(text, '{'); i >= 0 {
		dec := json.NewDecoder(bytes.NewReader([]byte(text[i:])))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err == nil {
			d.JSON = obj
			rest = text[:i] + text[i+int(dec.InputOffset()):]
		}
	}
	d.Emails = emailRE.FindAllString(text, -1)

	parts := strings.Split(rest, " - ")
	d.Head = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(parts[0]), ":,;"))
	object := ""
	if loc := verbRE.FindStringIndex(d.Head); loc != nil {
		obj := d.Head[loc[1]:]
		if o := objectRE.FindStringSubmatchIndex(obj); o != nil {
			d.Target = strings.TrimSpace(obj[o[1]:])
			object = strings.TrimSuffix(snake(obj[o[2]:o[3]]), "s")
		}
	}
	for _, p := range parts[1:] {
		key, val, ok := strings.Cut(p, ":")
		if !ok {
			continue
		}
		// "Change Role  - jdoe@example.com: from Member to Admin": the part
		// names the user the head's object (the role) changed for, so the
		// user is the target and the change is the object's.
		if k := strings.TrimSpace(key); object != "" && emailRE.FindString(k) == k && k != "" {
			if d.Target == "" {
				d.Target = k
			}
			key = object
		}
		key = snake(key)
		if key == "" {
			continue
		}
		val = strings.TrimSpace(val)
		if m := changeRE.FindStringSubmatch(val); m != nil {
			if d.Changes == nil {
				d.Changes = map[string][2]string{}
			}
			d.Changes[key] = [2]string{strings.TrimSpace(m[1]), strings.TrimSpace(m[2])}
			continue
		}
		if d.Fields == nil {
			d.Fields = map[string]string{}
		}
		d.Fields[key] = val
	}
	return d
}

// value returns the new value of key: the "to" of a change, else the field.
func (d operationDetail) value(keys ...string) string {
	for _, k := range keys {
		if c, ok := d.Changes[k]; ok {
			return c[1]
		}
		if v, ok := d.Fields[k]; ok && v != "" {
			return v
		}
	}
	return ""
}

// previous returns the old value of a change of key.
func (d operationDetail) previous(keys ...string) string {
	for _, k := range keys {
		if c, ok := d.Changes[k]; ok {
			return c[0]
		}
	}
	return ""
}

// snake turns "User Type" into "user_type".
func snake(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	underscore := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if underscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			underscore = false
		} else {
			underscore = true
		}
	}
	return b.String()
}
