// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

// familyGroups name the family of events whose name is not
// "<family>.<action>": app_deauthorized is about an app.
var familyGroups = map[string]string{"app_deauthorized": "app"}

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

// objectVersions name the keys under which a family's payload.object nests
// the object's new and old versions, where the other families send the
// object itself and payload.old_object: the new version is mapped as the
// object, and the old one as old_object (zoom.old_values), so that a field
// is found at the same path whichever event carried it.
var objectVersions = map[string][2]string{
	"information_barriers": {"new_policy", "old_policy"}, // policy_updated
}

// prefixedKey finds the field of an object key that Zoom spells flat with
// the name of its group in front, where the family's other events nest it:
// meeting_topic (summary events) is zoom.meeting.topic, summary_title is
// zoom.meeting.summary.title, and a voicemail's caller_number is
// zoom.phone.caller.phone_number, where the call events put the parties.
// It returns nil when no declared field matches, and the key goes on to
// zoom.unmapped.
func prefixedKey(tree *fieldTree, group, key string) *fieldNode {
	family := group[strings.LastIndexByte(group, '.')+1:]
	for i := strings.IndexByte(key, '_'); i > 0; i = nextUnderscore(key, i) {
		prefix, rest := key[:i], key[i+1:]
		if prefix == family {
			if n := tree.lookup(group + "." + rest); n != nil {
				return n
			}
			continue
		}
		if rest == "number" && (prefix == "caller" || prefix == "callee") {
			rest = "phone_number" // as the call events name a party's number
		}
		if n := tree.lookup(group + "." + prefix + "." + rest); n != nil {
			return n
		}
	}
	return nil
}

// nextUnderscore is the index of the next '_' of key after i, or -1.
func nextUnderscore(key string, i int) int {
	if j := strings.IndexByte(key[i+1:], '_'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// mapping turns one Zoom notification into the fields of one document.
type mapping struct {
	tree     *fieldTree
	redact   bool
	fields   mapstr.M
	unmapped map[string]any
	overflow map[string]any // zoom.overflow: what a flattened field could not index
	errs     []string
	groups   map[string]mapstr.M // objects of fields by dotted path, made or found once
}

// mappingPool holds mappings between events. A mapping's cache of objects
// (groups) takes a dozen paths per event; reused, it keeps its storage
// instead of being made and grown again for every event (docs/performance.md).
var mappingPool = sync.Pool{New: func() any { return &mapping{} }}

// newMapping starts the mapping of ev's fields. releaseMapping gives it back
// once the document is complete.
func (p *processor) newMapping(ev *beat.Event) *mapping {
	m := mappingPool.Get().(*mapping)
	m.tree, m.redact, m.fields = p.tree, p.cfg.RedactSecrets, ev.Fields
	if m.unmapped == nil {
		m.unmapped = map[string]any{}
	}
	return m
}

// releaseMapping forgets everything of the document it mapped: the maps and
// slices it handed to the document are the document's now.
func releaseMapping(m *mapping) {
	clear(m.groups)
	if len(m.unmapped) > 0 {
		m.unmapped = nil
	}
	m.fields, m.overflow, m.errs = nil, nil, nil
	mappingPool.Put(m)
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

// object returns the object at path in dst (nil: the document's fields),
// making the ones missing on the way.
func (m *mapping) object(dst mapstr.M, path string) mapstr.M {
	if dst == nil {
		return m.group(path, true)
	}
	return walk(dst, path, true)
}

// group is the document's object at path, cached in m.groups once found
// (or, with create, made), so that the next write or read under it is one
// lookup; nil when it is missing and not made.
func (m *mapping) group(path string, create bool) mapstr.M {
	if o, ok := m.groups[path]; ok {
		return o
	}
	cur := walk(m.fields, path, create)
	if cur == nil {
		return nil
	}
	if m.groups == nil {
		m.groups = map[string]mapstr.M{}
	}
	m.groups[path] = cur
	return cur
}

// walk follows the keys of path from cur to the object they lead to; nil
// when one is missing, unless create makes it.
func walk(cur map[string]any, path string, create bool) map[string]any {
	for rest := path; rest != ""; {
		seg, tail, _ := strings.Cut(rest, ".")
		rest = tail
		next, ok := asMap(cur[seg])
		if !ok {
			if !create {
				return nil
			}
			// A plain map, not a mapstr.M (the same type underneath): the
			// outputs' encoder (go-structform) converts every named map
			// type through reflection first, about 15 % of the encoding
			// time of a mapped document (docs/performance.md). libbeat
			// reads and updates both kinds alike.
			next = map[string]any{}
			cur[seg] = next
		}
		cur = next
	}
	return cur
}

// place puts v, found at from in the notification, into the declared field
// n of the document. Within an element of a nested list, dst is the element
// and base the nested field; elsewhere both are nil. Values of undeclared
// fields (n nil; key is their name) go to zoom.unmapped under from; values
// of the wrong shape go there too, with an error naming the field.
//
// It walks the notification and the field tree together, so that no dotted
// path is built or hashed per value; from is spelled out only for
// zoom.unmapped and errors.
func (m *mapping) place(dst mapstr.M, base, n *fieldNode, key string, from *source, v any) {
	if v == nil {
		return // JSON null carries nothing
	}
	if n == nil {
		src := from.String()
		m.unmapped[src] = m.keep(key, from, unmappedLevel, v)
		return
	}
	switch n.Type {
	case "group", "object":
		obj, ok := asMap(v)
		if !ok {
			m.fail(n.Path, from.String(), v, fmt.Errorf("is %s, not an object", kind(v)))
			return
		}
		for k, e := range obj {
			at := from.key(k)
			m.place(dst, base, n.child(k), k, &at, e)
		}
	case "nested":
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // a lone object is a list of one
		}
		// []any of plain maps, not []mapstr.M: the outputs' encoder folds
		// those directly, and a []mapstr.M and its elements through
		// reflection (TestMappedObjectsArePlainMaps).
		out := make([]any, 0, len(list))
		for i, e := range list {
			obj, ok := asMap(e)
			at := from.index(i)
			if !ok {
				m.fail(n.Path, at.String(), e, fmt.Errorf("is %s, not an object", kind(e)))
				continue
			}
			elem := make(map[string]any, len(obj))
			for k, ev := range obj {
				atKey := at.key(k)
				m.place(elem, n, n.child(k), k, &atKey, ev)
			}
			out = append(out, elem)
		}
		if len(out) > 0 {
			m.put(dst, n.rel(base), out)
		}
	case "flattened":
		m.put(dst, n.rel(base), m.keep(n.name(), from, 1, v))
	default:
		if cv, ok := m.scalarOf(n, from, v); ok {
			m.put(dst, n.rel(base), cv)
		}
	}
}

// scalarOf is v as the scalar field n holds it, or false when there is
// nothing to place: JSON null, Zoom's "" for "no value" (a recording not yet
// ended, an unknown IP) in a field that is no keyword, or a value of the
// wrong shape, which fail records.
func (m *mapping) scalarOf(n *fieldNode, from *source, v any) (any, bool) {
	if v == nil {
		return nil, false
	}
	if s, ok := v.(string); ok && s == "" && !n.keyword {
		return nil, false
	}
	cv, err := m.coerce(n, v)
	if err != nil {
		m.fail(n.Path, from.String(), v, err)
		return nil, false
	}
	return cv, true
}

// isScalar reports whether n holds values rather than objects or lists of
// them.
func (n *fieldNode) isScalar() bool {
	switch n.Type {
	case "group", "object", "nested", "flattened":
		return false
	}
	return true
}

// placeAt places v, found at from, into the field at the dotted path.
func (m *mapping) placeAt(path, from string, v any) {
	m.place(nil, nil, m.tree.lookup(path), lastKey(path), &source{name: from}, v)
}

func isKeywordType(typ string) bool {
	switch typ {
	case "keyword", "text", "match_only_text", "wildcard", "constant_keyword":
		return true
	}
	return false
}

// keep returns a value kept whole in a flattened field, with secrets masked
// when redacting, and what Elasticsearch could not index there moved to
// zoom.overflow (see fitFlattened). from names the value in the
// notification; level is the depth of objects it lands at in the flattened
// field (1: the field's own value).
func (m *mapping) keep(key string, from *source, level int, v any) any {
	if m.redact {
		v = redactDeep(key, v)
	}
	if fitsFlattened(v, level) { // the common case: from is spelled out only for zoom.overflow
		return v
	}
	return m.fitFlattened(from.String(), v, level)
}

// unmappedLevel is where a value lands in zoom.unmapped: one level below
// the field's own object, which is keyed by source path.
const unmappedLevel = 2

// A flattened field is rejected whole by Elasticsearch when its objects nest
// deeper than its depth_limit (20 by default) or a value is longer than
// Lucene's term limit (32,766 bytes, for the key and value together), and a
// document rejected that way is still acknowledged by libbeat. Parts past
// these bounds (with a margin) go to zoom.overflow, an object that
// Elasticsearch keeps in _source without indexing it.
const (
	maxFlattenedDepth = 16
	maxFlattenedLeaf  = 8 << 10
)

// fitsFlattened reports whether v, at level, is within the bounds: the
// common case, checked without copying.
func fitsFlattened(v any, level int) bool {
	switch t := v.(type) {
	case string:
		return len(t) <= maxFlattenedLeaf
	case []any:
		for _, e := range t {
			if !fitsFlattened(e, level) {
				return false
			}
		}
	default:
		if obj, ok := asMap(v); ok {
			if level > maxFlattenedDepth {
				return false
			}
			for _, e := range obj {
				if !fitsFlattened(e, level+1) {
					return false
				}
			}
		}
	}
	return true
}

// fitFlattened returns v without the parts past the bounds, which it moves
// to zoom.overflow keyed by their path in the notification; nil when v
// itself is such a part.
func (m *mapping) fitFlattened(path string, v any, level int) any {
	if fitsFlattened(v, level) {
		return v
	}
	switch t := v.(type) {
	case []any:
		out := make([]any, 0, len(t))
		for i, e := range t {
			if f := m.fitFlattened(path+"."+strconv.Itoa(i), e, level); f != nil {
				out = append(out, f)
			}
		}
		return out
	default:
		if obj, ok := asMap(v); ok && level <= maxFlattenedDepth {
			out := make(map[string]any, len(obj))
			for k, e := range obj {
				if f := m.fitFlattened(path+"."+k, e, level+1); f != nil {
					out[k] = f
				}
			}
			return out
		}
	}
	if m.overflow == nil {
		m.overflow = map[string]any{}
	}
	m.overflow[path] = v
	return nil
}

// coerce converts a scalar (or a list of scalars) to the declared type of n.
func (m *mapping) coerce(n *fieldNode, v any) (any, error) {
	if list, ok := v.([]any); ok {
		out := make([]any, 0, len(list))
		for _, e := range list {
			ce, err := m.coerce(n, e)
			if err != nil {
				return nil, err
			}
			out = append(out, ce)
		}
		return out, nil
	}
	switch typ := n.Type; {
	case n.keyword:
		s, err := toKeyword(v)
		if err != nil {
			return nil, err
		}
		if m.redact {
			if n.secret {
				return redactString(s), nil
			}
			s = redactURL(s)
		}
		return same(v, s), nil
	case typ == "long" || typ == "integer" || typ == "short" || typ == "byte":
		i, err := toLong(v)
		if err != nil {
			return nil, err
		}
		return same(v, i), nil
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

// same returns v when it already holds c, and c otherwise. Putting a string
// or an integer into an interface allocates; most values are already what
// their field holds, in the interface the decoder made.
func same[T comparable](v any, c T) any {
	if t, ok := v.(T); ok && t == c {
		return v
	}
	return c
}

// fail records a value of the wrong shape: the document keeps it under
// zoom.unmapped and says which field it could not fill.
func (m *mapping) fail(path, src string, v any, err error) {
	m.errs = append(m.errs, fmt.Sprintf("%s: %v", path, err))
	m.unmapped[src] = m.keep(lastKey(path), &source{name: src}, unmappedLevel, v)
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
			m.placeAt("zoom.recording.download_token", k, v)
		default:
			m.place(nil, nil, m.tree.zoom.child(k), k, &source{name: k}, v)
		}
	}
}

// adoptObject makes obj, the notification's payload.object, the document's
// zoom.<family> object (base) in place: the values that keep their key are
// converted where they are, and only the others are moved out of it
// (undeclared keys, objects, lists, keys that other groups take). Copying
// every value into a new object cost a map, its growth and a map assignment
// per value for every notification, and left the decoded object to the
// garbage collector (docs/performance.md).
func (m *mapping) adoptObject(base *fieldNode, obj map[string]any, at *source) {
	type entry struct {
		key string
		v   any
	}
	var moved []entry
	for k, v := range obj {
		n := base.child(k)
		if _, relocated := objectRelocations[k]; v != nil && (relocated || n == nil || !n.isScalar()) {
			moved = append(moved, entry{k, v})
			delete(obj, k)
			continue
		}
		atKey := at.key(k)
		if cv, ok := m.scalarOf(n, &atKey, v); ok {
			obj[k] = cv
		} else {
			delete(obj, k)
		}
	}
	if len(obj) > 0 {
		parent := m.object(nil, "zoom")               // which also made m.groups
		if prior, ok := asMap(parent[base.key]); ok { // what the notification's other keys put there
			for k, v := range prior {
				obj[k] = v
			}
		}
		parent[base.key] = obj
		m.groups[base.Path] = obj
	}
	for _, e := range moved {
		atKey := at.key(e.key)
		m.place(nil, nil, m.objectField(base, e.key), e.key, &atKey, e.v)
	}
}

// objectField is the field of key of payload.object in a notification of
// the family base (nil: a family zoombeat does not map): a group that
// several families share, the family's own field, or one that Zoom spells
// flat with its group in front; nil when none is declared.
func (m *mapping) objectField(base *fieldNode, key string) *fieldNode {
	if to, relocated := objectRelocations[key]; relocated {
		return m.tree.lookup(to)
	}
	if n := base.child(key); n != nil || base == nil {
		return n
	}
	return prefixedKey(m.tree, base.Path, key)
}

func (m *mapping) placePayload(payload map[string]any, family string) {
	base := m.tree.family(family) // nil: undeclared, its fields land in zoom.unmapped
	from := &source{name: "payload"}
	for k, v := range payload {
		switch k {
		case "object":
			obj, ok := asMap(v)
			if !ok {
				m.fail(base.pathOr("zoom.unmapped"), "payload.object", v, fmt.Errorf("payload.object is %s, not an object", kind(v)))
				continue
			}
			at := from.key(k)
			if keys, nested := objectVersions[family]; nested {
				m.unnestVersions(obj, keys, &at)
			}
			if base == nil {
				for ok, ov := range obj {
					atKey := at.key(ok)
					m.place(nil, nil, m.objectField(nil, ok), ok, &atKey, ov)
				}
				continue
			}
			m.adoptObject(base, obj, &at)
		default:
			n := m.tree.zoom.child(k)
			if to, renamed := payloadRenames[k]; renamed {
				n = m.tree.lookup(to)
			} else if n == nil && base != nil {
				n = base.child(k) // a family whose payload has no object
			}
			at := from.key(k)
			m.place(nil, nil, n, k, &at, v)
		}
	}
}

// unnestVersions lifts the object's new version (keys[0]) into obj, beside
// the keys obj has itself (its id), and maps its old version (keys[1]) to
// zoom.old_values, as payload.old_object is.
func (m *mapping) unnestVersions(obj map[string]any, keys [2]string, at *source) {
	if nv, ok := asMap(obj[keys[0]]); ok {
		delete(obj, keys[0])
		for k, v := range nv {
			if _, own := obj[k]; !own {
				obj[k] = v
			}
		}
	}
	if ov, ok := obj[keys[1]]; ok {
		delete(obj, keys[1])
		oldAt := at.key(keys[1])
		m.place(nil, nil, m.tree.lookup(payloadRenames["old_object"]), keys[1], &oldAt, ov)
	}
}

// finish writes zoom.unmapped and the error fields.
func (m *mapping) finish() {
	if len(m.unmapped) > 0 {
		m.put(nil, "zoom.unmapped", m.unmapped)
	}
	if len(m.overflow) > 0 {
		m.put(nil, "zoom.overflow", m.overflow)
	}
	if len(m.errs) > 0 {
		sort.Strings(m.errs)
		m.put(nil, "error.message", "zoom processor: "+strings.Join(m.errs, "; "))
		m.put(nil, "event.kind", "pipeline_error")
	}
}

// Typed readers of the mapped document, for the ECS step.

// get reads the value at a dotted path of the document. The objects the
// mapping made or found are cached by path (m.groups), so most reads are one
// map lookup instead of a walk from the root.
func (m *mapping) get(path string) (any, bool) {
	obj, key := map[string]any(m.fields), path
	if i := strings.LastIndexByte(path, '.'); i > 0 {
		obj, key = m.find(path[:i]), path[i+1:]
	}
	v, ok := obj[key]
	return v, ok
}

// find returns the object at the dotted path of the document, nil when there
// is none. (mapstr.M.GetValue, which it replaces for get, looks each
// remaining dotted key up whole before each segment: it was two thirds of
// get's time, for the many optional fields that are absent.)
func (m *mapping) find(path string) map[string]any {
	return m.group(path, false)
}

func (m *mapping) str(path string) string {
	v, _ := m.get(path)
	s, _ := v.(string)
	return s
}

func (m *mapping) time(path string) (time.Time, bool) {
	v, ok := m.get(path)
	if !ok {
		return time.Time{}, false
	}
	return asTime(v)
}

func (m *mapping) long(path string) (int64, bool) {
	v, _ := m.get(path)
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
