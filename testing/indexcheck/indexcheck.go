// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package indexcheck checks documents against the index template that
// zoombeat exports, by the rules by which Elasticsearch accepts or rejects a
// document. No Elasticsearch runs in the test suite; a document that breaks
// these rules would be answered with a per-document 400 (a mapping
// conflict), which libbeat acknowledges like a success: Zoom would get 200
// and never send the event again.
package indexcheck

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/elastic/beats/v7/libbeat/asset"
	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/template"
	"github.com/elastic/beats/v7/libbeat/version"
	"github.com/elastic/elastic-agent-libs/logp"
	libversion "github.com/elastic/elastic-agent-libs/version"
)

// Mappings are the properties of an index template's mappings.
type Mappings struct {
	props map[string]any
}

// Exported builds the template as `filebeat export template` does, from the
// fields registered in this binary (libbeat's ECS, Filebeat's, the zoom
// module's): the caller imports what registers them.
func Exported() (*Mappings, error) {
	info := beat.Info{Beat: "filebeat", IndexPrefix: "filebeat", Version: version.GetDefaultVersion()}
	esVersion, err := libversion.New(version.GetDefaultVersion())
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New(false, info.Version, info.IndexPrefix, false, *esVersion, template.DefaultConfig(info), false, logp.NewNopLogger())
	if err != nil {
		return nil, err
	}
	fields, err := asset.GetFields("filebeat")
	if err != nil {
		return nil, err
	}
	body, err := tmpl.LoadBytes(fields)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return FromTemplate(b)
}

// FromTemplate reads an exported template (composable: template.mappings).
func FromTemplate(b []byte) (*Mappings, error) {
	var t struct {
		Template struct {
			Mappings struct {
				Properties map[string]any `json:"properties"`
			} `json:"mappings"`
		} `json:"template"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, err
	}
	if len(t.Template.Mappings.Properties) == 0 {
		return nil, fmt.Errorf("the template has no mappings.properties")
	}
	return &Mappings{props: t.Template.Mappings.Properties}, nil
}

// Type is the mapping type of a dotted field path ("" when undeclared).
func (m *Mappings) Type(path string) string {
	p := m.lookup(path)
	if p == nil {
		return ""
	}
	return typeOf(p)
}

func (m *Mappings) lookup(path string) map[string]any {
	props := m.props
	var cur map[string]any
	for _, k := range strings.Split(path, ".") {
		cur, _ = props[k].(map[string]any)
		if cur == nil {
			return nil
		}
		props, _ = cur["properties"].(map[string]any)
	}
	return cur
}

func typeOf(p map[string]any) string {
	if t, ok := p["type"].(string); ok {
		return t
	}
	return "object"
}

// Check returns what Elasticsearch would reject in doc, a document as the
// output encodes it (decode it with UseNumber), one message per field. A
// field the template does not declare is reported too: zoombeat declares
// every field it writes.
func (m *Mappings) Check(doc map[string]any) []string {
	var errs []string
	m.object("", m.props, doc, &errs)
	sort.Strings(errs)
	return errs
}

func (m *Mappings) object(prefix string, props map[string]any, obj map[string]any, errs *[]string) {
	for k, v := range obj {
		path := prefix + k
		if prefix == "" && k == "@metadata" {
			continue // not indexed: the output reads it
		}
		// A dotted key (from a user processor) is an object path in
		// Elasticsearch.
		if head, rest, dotted := strings.Cut(k, "."); dotted {
			m.object(prefix, props, map[string]any{head: map[string]any{rest: v}}, errs)
			continue
		}
		p, _ := props[k].(map[string]any)
		if p == nil {
			*errs = append(*errs, path+": not declared in the template")
			continue
		}
		m.value(path, p, v, errs)
	}
}

func (m *Mappings) value(path string, p map[string]any, v any, errs *[]string) {
	if v == nil {
		return
	}
	typ := typeOf(p)
	if list, ok := v.([]any); ok && typ != "flattened" {
		for _, e := range list { // arrays of arrays are flattened, as Elasticsearch does
			m.value(path, p, e, errs)
		}
		return
	}
	fail := func(format string, args ...any) {
		*errs = append(*errs, fmt.Sprintf("%s (%s): ", path, typ)+fmt.Sprintf(format, args...))
	}
	if enabled, ok := p["enabled"].(bool); ok && !enabled {
		return // kept in _source, not parsed
	}
	switch typ {
	case "object", "nested", "group":
		obj, ok := v.(map[string]any)
		if !ok {
			fail("a concrete value %s where the template has an object", show(v))
			return
		}
		props, _ := p["properties"].(map[string]any)
		m.object(path+".", props, obj, errs)
	case "keyword", "constant_keyword", "wildcard", "text", "match_only_text":
		s, ok := v.(string)
		if !ok {
			fail("%s, not a string", show(v))
			return
		}
		if typ == "keyword" && p["ignore_above"] == nil && len(s) > maxTermBytes {
			fail("a term of %d bytes, over Lucene's %d, without ignore_above", len(s), maxTermBytes)
		}
	case "long", "integer", "short", "byte", "unsigned_long":
		n, ok := v.(json.Number)
		if !ok {
			fail("%s, not a number", show(v))
			return
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			fail("%s is not an integer within the long range", n)
			return
		}
		if lim, ok := intRanges[typ]; ok && (i < -lim-1 || i > lim) {
			fail("%d is out of the %s range", i, typ)
		}
	case "float", "double", "half_float", "scaled_float":
		n, ok := v.(json.Number)
		if !ok {
			fail("%s, not a number", show(v))
			return
		}
		if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
			fail("%s is not a finite %s", n, typ)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("%s, not a boolean", show(v))
		}
	case "date", "date_nanos":
		if err := checkDate(v); err != nil {
			fail("%v", err)
		}
	case "ip":
		s, ok := v.(string)
		if !ok {
			fail("%s, not a string", show(v))
			return
		}
		if _, err := netip.ParseAddr(s); err != nil {
			fail("%q is not an IP address", s)
		}
	case "flattened":
		limit := 20 // Elasticsearch's default depth_limit
		if d, ok := p["depth_limit"].(float64); ok {
			limit = int(d)
		}
		d, n := shape(v)
		if d > limit {
			fail("%d levels of objects, over depth_limit %d", d, limit)
		}
		if p["ignore_above"] == nil && n > maxTermBytes {
			fail("a leaf of %d bytes, over Lucene's %d, without ignore_above", n, maxTermBytes)
		}
	case "alias":
		fail("a value for an alias field")
	default:
		fail("a value for a type this check does not know")
	}
}

// maxTermBytes is Lucene's limit on one indexed term: a longer keyword is
// rejected unless ignore_above keeps it out of the index.
const maxTermBytes = 32766

var intRanges = map[string]int64{"integer": math.MaxInt32, "short": math.MaxInt16, "byte": math.MaxInt8}

// dateForm is what strict_date_optional_time takes, in the forms an encoder
// writes: a four-digit year, optional time, fraction and zone.
var dateForm = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$`)

// checkDate accepts what the default date format
// (strict_date_optional_time||epoch_millis) parses.
func checkDate(v any) error {
	switch t := v.(type) {
	case string:
		if !dateForm.MatchString(t) {
			return fmt.Errorf("%q is not in strict_date_optional_time form", t)
		}
		if _, err := time.Parse(time.RFC3339Nano, t); err != nil && strings.Contains(t, "T") && (strings.HasSuffix(t, "Z") || strings.ContainsAny(t[10:], "+-")) {
			return fmt.Errorf("%q is not a valid date: %v", t, err)
		}
		return nil
	case json.Number:
		if _, err := strconv.ParseInt(t.String(), 10, 64); err != nil {
			return fmt.Errorf("%s is not epoch milliseconds", t)
		}
		return nil
	}
	return fmt.Errorf("%s, not a date", show(v))
}

// shape measures a flattened value: its levels of objects, as depth_limit
// counts them (an object directly under the field is level 1), and its
// longest string leaf in bytes.
func shape(v any) (depth, longest int) {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			d, l := shape(e)
			depth, longest = max(depth, d), max(longest, l)
		}
		return depth + 1, longest
	case []any:
		for _, e := range t {
			d, l := shape(e)
			depth, longest = max(depth, d), max(longest, l)
		}
	case string:
		return 0, len(t)
	}
	return depth, longest
}

func show(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 || !utf8.Valid(b) {
		return fmt.Sprintf("a %T", v)
	}
	return string(b)
}
