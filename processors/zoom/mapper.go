package zoom

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/elastic/elastic-agent-libs/mapstr"

	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
)

// families are the Zoom event families that have a zoom.<family> group.
var families = map[string]bool{
	"account": true, "user": true, "meeting": true, "webinar": true, "recording": true,
	"chat_channel": true, "chat_message": true, "phone": true, "zoomroom": true,
}

// objectRelocations move keys of payload.object out of zoom.<family> to the
// groups that several families share.
var objectRelocations = map[string]string{
	"participant": "zoom.participant",
	"registrant":  "zoom.registrant",
	"settings":    "zoom.settings",
}

// payloadRenames place keys of the payload (beside object) whose field name
// differs from the key; the other keys go to zoom.<key>.
var payloadRenames = map[string]string{
	"time_stamp": "zoom.timestamp",
	"timestamp":  "zoom.timestamp",
	"date_time":  "zoom.timestamp",
	"old_object": "zoom.old_values",
	"operation":  "zoom.scope", // zoom.operation holds operation log entries
}

// mapping turns one Zoom notification into the fields of one document.
type mapping struct {
	schema   zoommodule.Schema
	redact   bool
	fields   mapstr.M
	unmapped map[string]any
	errs     []string
	groups   map[string]mapstr.M // objects of fields by dotted path, made or found once
}

// put stores v at the dotted path rel of dst (nil: the document's fields),
// creating the objects on the way. Unlike mapstr.M.Put, it finds each object
// of the document once, not once per value.
func (m *mapping) put(dst mapstr.M, rel string, v any) {
	i := strings.LastIndexByte(rel, '.')
	if i < 0 {
		if dst == nil {
			dst = m.fields
		}
		dst[rel] = v
		return
	}
	m.object(dst, rel[:i])[rel[i+1:]] = v
}

// object returns the object at path in dst (nil: the document's fields).
func (m *mapping) object(dst mapstr.M, path string) mapstr.M {
	root := dst == nil
	if root {
		if o, ok := m.groups[path]; ok {
			return o
		}
		dst = m.fields
	}
	cur := dst
	for _, seg := range strings.Split(path, ".") {
		next, ok := asMap(cur[seg])
		if !ok {
			next = mapstr.M{}
			cur[seg] = mapstr.M(next)
		}
		cur = next
	}
	if root {
		if m.groups == nil {
			m.groups = map[string]mapstr.M{}
		}
		m.groups[path] = cur
	}
	return cur
}

// placeValue puts v, found at src in the notification, into the declared
// field path of dst (rel is path relative to dst). Values of undeclared
// fields go to zoom.unmapped under src; values of the wrong shape go there
// too, with an error naming the field.
func (m *mapping) place(dst mapstr.M, rel, path, src string, v any) {
	if v == nil {
		return // JSON null carries nothing
	}
	f, declared := m.schema[path]
	if !declared {
		m.unmapped[src] = m.keep(lastKey(path), v)
		return
	}
	switch f.Type {
	case "group", "object":
		obj, ok := asMap(v)
		if !ok {
			m.fail(path, src, v, fmt.Errorf("is %s, not an object", kind(v)))
			return
		}
		for k, e := range obj {
			m.place(dst, rel+"."+k, path+"."+k, src+"."+k, e)
		}
	case "nested":
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // a lone object is a list of one
		}
		out := make([]mapstr.M, 0, len(list))
		for i, e := range list {
			obj, ok := asMap(e)
			if !ok {
				m.fail(path, fmt.Sprintf("%s.%d", src, i), e, fmt.Errorf("is %s, not an object", kind(e)))
				continue
			}
			elem := mapstr.M{}
			for k, ev := range obj {
				m.place(elem, k, path+"."+k, fmt.Sprintf("%s.%d.%s", src, i, k), ev)
			}
			out = append(out, elem)
		}
		if len(out) > 0 {
			m.put(dst, rel, out)
		}
	case "flattened":
		m.put(dst, rel, m.keep(lastKey(path), v))
	default:
		if s, ok := v.(string); ok && s == "" && !isKeywordType(f.Type) {
			return // Zoom sends "" for "no value" (a recording not yet ended, an unknown IP)
		}
		cv, err := m.coerce(f.Type, lastKey(path), v)
		if err != nil {
			m.fail(path, src, v, err)
			return
		}
		m.put(dst, rel, cv)
	}
}

func isKeywordType(typ string) bool {
	switch typ {
	case "keyword", "text", "match_only_text", "wildcard", "constant_keyword":
		return true
	}
	return false
}

// keep returns a value kept whole, with secrets masked when redacting.
func (m *mapping) keep(key string, v any) any {
	if m.redact {
		return redactDeep(key, v)
	}
	return v
}

// coerce converts a scalar (or a list of scalars) to the declared type.
func (m *mapping) coerce(typ, key string, v any) (any, error) {
	if list, ok := v.([]any); ok {
		out := make([]any, 0, len(list))
		for _, e := range list {
			ce, err := m.coerce(typ, key, e)
			if err != nil {
				return nil, err
			}
			out = append(out, ce)
		}
		return out, nil
	}
	switch {
	case isKeywordType(typ):
		s, err := toKeyword(v)
		if err != nil {
			return nil, err
		}
		if m.redact {
			if isSecretKey(key) {
				return redactString(s), nil
			}
			s = redactURL(s)
		}
		return s, nil
	case typ == "long" || typ == "integer" || typ == "short" || typ == "byte":
		return toLong(v)
	case typ == "float" || typ == "double" || typ == "scaled_float" || typ == "half_float":
		if f, ok := number(v); ok {
			return f, nil
		}
		return nil, fmt.Errorf("is %s, not a number", describe(v))
	case typ == "boolean":
		return toBool(v)
	case typ == "date":
		return toTime(v)
	case typ == "ip":
		return toIP(v)
	}
	return v, nil
}

// fail records a value of the wrong shape: the document keeps it under
// zoom.unmapped and says which field it could not fill.
func (m *mapping) fail(path, src string, v any, err error) {
	m.errs = append(m.errs, fmt.Sprintf("%s: %v", path, err))
	m.unmapped[src] = m.keep(lastKey(path), v)
}

func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// placeNotification maps the whole notification body into m.fields.
func (m *mapping) placeNotification(body map[string]any, family string) {
	for k, v := range body {
		switch k {
		case "event", "event_ts": // event.action and @timestamp, set by the caller
		case "payload":
			payload, ok := asMap(v)
			if !ok {
				m.fail("zoom", "payload", v, fmt.Errorf("payload is %s, not an object", kind(v)))
				continue
			}
			m.placePayload(payload, family)
		case "download_token": // recording.completed sends it beside the payload
			m.place(nil, "zoom.recording.download_token", "zoom.recording.download_token", k, v)
		default:
			m.place(nil, "zoom."+k, "zoom."+k, k, v)
		}
	}
}

func (m *mapping) placePayload(payload map[string]any, family string) {
	base := "zoom." + family
	if !families[family] {
		base = "zoom.unmapped_family" // undeclared: lands in zoom.unmapped
	}
	for k, v := range payload {
		src := "payload." + k
		switch k {
		case "object":
			obj, ok := asMap(v)
			if !ok {
				m.fail(base, src, v, fmt.Errorf("payload.object is %s, not an object", kind(v)))
				continue
			}
			for ok, ov := range obj {
				path := base + "." + ok
				if to, moved := objectRelocations[ok]; moved {
					path = to
				}
				m.place(nil, path, path, src+"."+ok, ov)
			}
		default:
			path := "zoom." + k
			if to, renamed := payloadRenames[k]; renamed {
				path = to
			}
			m.place(nil, path, path, src, v)
		}
	}
}

// finish writes zoom.unmapped and the error fields.
func (m *mapping) finish() {
	if len(m.unmapped) > 0 {
		m.put(nil, "zoom.unmapped", mapstr.M(m.unmapped))
	}
	if len(m.errs) > 0 {
		sort.Strings(m.errs)
		m.put(nil, "error.message", "zoom processor: "+strings.Join(m.errs, "; "))
		m.put(nil, "event.kind", "pipeline_error")
	}
}

// Typed readers of the mapped document, for the ECS step.

func (m *mapping) str(path string) string {
	v, err := m.fields.GetValue(path)
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return s
}

func (m *mapping) time(path string) (time.Time, bool) {
	v, err := m.fields.GetValue(path)
	if err != nil {
		return time.Time{}, false
	}
	t, ok := v.(time.Time)
	return t, ok
}

func (m *mapping) long(path string) (int64, bool) {
	v, err := m.fields.GetValue(path)
	if err != nil {
		return 0, false
	}
	i, ok := v.(int64)
	return i, ok
}

func (m *mapping) set(path string, v any) {
	switch t := v.(type) {
	case string:
		if t == "" {
			return
		}
	case nil:
		return
	}
	m.put(nil, path, v)
}
