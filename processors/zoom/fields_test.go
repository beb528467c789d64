// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bufio"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "github.com/elastic/beats/v7/filebeat/include" // Filebeat's own fields (ECS)
	"github.com/elastic/beats/v7/libbeat/asset"
	lbmapping "github.com/elastic/beats/v7/libbeat/mapping"
	"github.com/elastic/elastic-agent-libs/mapstr"

	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
	"github.com/zoombeat/zoombeat/testing/indexcheck"
)

// allFields are the fields the custom Filebeat declares, as `filebeat export
// template` sees them: libbeat's ECS and Filebeat's fields, then the zoom
// module's.
func allFields(t *testing.T) zoommodule.Schema {
	t.Helper()
	raw, err := asset.GetFields("filebeat")
	require.NoError(t, err)
	fields, err := lbmapping.LoadFields(raw)
	require.NoError(t, err)
	s, err := zoommodule.SchemaFrom(fields, false)
	require.NoError(t, err)
	return s
}

// declaredAs finds the field that holds a document path: the field itself,
// or a flattened (or object) field above it.
func declaredAs(s zoommodule.Schema, path string) (zoommodule.Field, bool) {
	parts := strings.Split(path, ".")
	for i := 1; i <= len(parts); i++ {
		p := strings.Join(parts[:i], ".")
		f, ok := s[p]
		if !ok {
			continue
		}
		if i == len(parts) || f.Type == "flattened" || f.Type == "object" {
			return f, true
		}
	}
	return zoommodule.Field{}, false
}

// compatible reports whether a JSON value can be indexed as the type.
func compatible(typ string, v any) bool {
	if list, ok := v.([]any); ok {
		for _, e := range list {
			if !compatible(typ, e) {
				return false
			}
		}
		return true
	}
	switch typ {
	case "keyword", "constant_keyword", "text", "match_only_text", "wildcard":
		_, ok := v.(string)
		return ok
	case "long", "integer", "short", "byte":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case "float", "double", "scaled_float", "half_float":
		_, ok := v.(json.Number)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "date":
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, err := toTime(s)
		return err == nil
	case "ip":
		_, err := toIP(v)
		return err == nil
	case "flattened", "object":
		return true
	}
	return false
}

// TestGoldenFieldsAreDeclared checks every field of every golden document
// against the declared fields and their types.
func TestGoldenFieldsAreDeclared(t *testing.T) {
	s := allFields(t)
	p := mustProcessor(t, nil)
	for _, pl := range payloads(t) {
		doc := document(t, p, pl.raw)
		flat := map[string]any{}
		flatten("", doc, flat)
		for path, v := range flat {
			path = stripIndices(path)
			f, ok := declaredAs(s, path)
			if !assert.True(t, ok, "%s: field %s is not declared", pl.name, path) {
				continue
			}
			assert.True(t, compatible(f.Type, v), "%s: field %s holds %s, not a %s", pl.name, path, js(v), f.Type)
		}
	}
}

// stripIndices removes array positions from a flattened path
// (zoom.recording.recording_files.0.id → zoom.recording.recording_files.id).
func stripIndices(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

// typeFamily groups the Elasticsearch types that answer the same queries
// (Elasticsearch's "type families"). ECS 8 moved some fields within a family:
// message and error.message to match_only_text, url.full to wildcard. And
// Elastic's Zoom integration declares event.dataset and event.module
// constant_keyword because each of its data streams holds one dataset;
// Filebeat writes every dataset to one index, where a constant_keyword would
// reject the second value, so Filebeat keeps ECS's keyword for them.
func typeFamily(typ string) string {
	switch typ {
	case "keyword", "constant_keyword", "wildcard":
		return "keyword"
	case "text", "match_only_text":
		return "text"
	}
	return typ
}

// TestExportedFieldsAreDeclared holds zoombeat to the fields that users of
// the existing Zoom integrations already query.
func TestExportedFieldsAreDeclared(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "exported-fields.tsv"))
	if err != nil {
		t.Skipf("exported-fields.tsv not beside the repository: %v", err)
	}
	defer f.Close()
	s := allFields(t)
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, typ, ok := strings.Cut(sc.Text(), "\t")
		if !ok || name == "field" {
			continue
		}
		n++
		got, ok := s[name]
		if assert.True(t, ok, "exported field %s is not declared", name) {
			assert.Equal(t, typeFamily(typ), typeFamily(got.Type), "exported field %s: declared %s, exported as %s", name, got.Type, typ)
		}
	}
	assert.Greater(t, n, 200)
}

// exportedMappings is the template `filebeat export template` writes, built
// once for the package's tests.
var exportedMappings = sync.OnceValues(indexcheck.Exported)

func mappings(t testing.TB) *indexcheck.Mappings {
	t.Helper()
	m, err := exportedMappings()
	require.NoError(t, err)
	return m
}

// TestGoldenDocumentsIndex checks every golden document against the exported
// template by Elasticsearch's rules: a document it would reject is acked by
// libbeat all the same, so Zoom would have had its 200 for nothing.
func TestGoldenDocumentsIndex(t *testing.T) {
	m := mappings(t)
	p := mustProcessor(t, nil)
	for _, pl := range payloads(t) {
		for _, e := range m.Check(document(t, p, pl.raw)) {
			t.Errorf("%s: %s", pl.name, e)
		}
	}
}

// The values that once made documents Elasticsearch rejects: an integer
// above int64, objects deeper than a flattened field's depth limit, dates
// beyond year 9999, a huge leaf.
func TestHostileValuesIndex(t *testing.T) {
	m := mappings(t)
	p := mustProcessor(t, nil)
	deep := strings.Repeat(`{"d":`, 40) + `1` + strings.Repeat(`}`, 40)
	for name, body := range map[string]string{
		"2^64 ids":         `{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":18446744073709551616,"host_id":18446744073709551616,"duration":18446744073709551616,"uuid":-9223372036854775809}}}`,
		"deep settings":    `{"event":"account.settings_updated","event_ts":1732435200000,"payload":{"object":{"id":"a","settings":` + deep + `},"old_object":{"settings":` + deep + `}}}`,
		"deep unmapped":    `{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":1,"brand_new":` + deep + `}}}`,
		"far dates":        `{"event":"meeting.started","event_ts":99999999999999999,"payload":{"object":{"id":1,"start_time":"99999-01-01T00:00:00Z","end_time":-62135596801000}}}`,
		"huge leaf":        `{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":1,"brand_new":"` + strings.Repeat("x", 40000) + `"}}}`,
		"float where long": `{"event":"recording.completed","event_ts":1732435200000,"payload":{"object":{"id":1,"recording_files":[{"file_size":1.5e300}]}}}`,
		"object where ip":  `{"event":"meeting.participant_joined","event_ts":1732435200000,"payload":{"object":{"id":1,"participant":{"public_ip":{"v":4}}}}}`,
		"bad ip":           `{"event":"meeting.participant_joined","event_ts":1732435200000,"payload":{"object":{"id":1,"participant":{"public_ip":"999.1.1.1"}}}}`,
	} {
		doc := document(t, p, []byte(body))
		for _, e := range m.Check(doc) {
			t.Errorf("%s: %s", name, e)
		}
	}
	// An id above int64 keeps every digit, as the keyword it is.
	doc := document(t, p, []byte(`{"event":"meeting.started","event_ts":1732435200000,"payload":{"object":{"id":18446744073709551616}}}`))
	assert.Equal(t, "18446744073709551616", get(mapstr.M(doc), "zoom.meeting.id"))
}

// The checker itself finds what Elasticsearch rejects.
func TestIndexCheckFindsRejections(t *testing.T) {
	m := mappings(t)
	for doc, want := range map[string]string{
		`{"zoom":{"meeting":{"id":{"a":1}}}}`:                                                       "zoom.meeting.id (keyword): {\"a\":1}, not a string",
		`{"zoom":{"recording":{"recording_files":[{"file_size":18446744073709551616}]}}}`:           "not an integer within the long range",
		`{"zoom":{"meeting":{"start_time":"+10000-01-01T00:00:00Z"}}}`:                              "not in strict_date_optional_time form",
		`{"source":{"ip":"nope"}}`:                                                                  `"nope" is not an IP address`,
		`{"zoom":{"meeting":"x"}}`:                                                                  "a concrete value",
		`{"zoom":{"settings":` + strings.Repeat(`{"d":`, 21) + `1` + strings.Repeat(`}`, 21) + `}}`: "over depth_limit 20",
		`{"no_such_field":1}`:                                                                       "not declared",
	} {
		var v map[string]any
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&v))
		errs := m.Check(v)
		if assert.Len(t, errs, 1, doc) {
			assert.Contains(t, errs[0], want)
		}
	}
}

// fieldPathLiteral matches a string in the mapper's source that names a
// document field (zoom.meeting.join_url, user.target.email...).
var fieldPathLiteral = regexp.MustCompile(`^(zoom|user|event|url|source|destination|related|error|observer|ecs|http|threat|rule|user_agent)\.[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// Every field path that the processor's code reads or writes, spelled out
// in its source, is declared (by the module, the inputs, or ECS), so that
// no mapping writes a field the index template does not know and no read
// looks for a field that cannot exist.
func TestEveryFieldPathInTheMapperIsDeclared(t *testing.T) {
	s := allFields(t)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			path, err := strconv.Unquote(lit.Value)
			if err != nil || !fieldPathLiteral.MatchString(path) {
				return true
			}
			if rest, ok := strings.CutPrefix(path, "zoom."); ok {
				if _, err := os.Stat(filepath.Join("..", "..", "module", "zoom", rest, "manifest.yml")); err == nil {
					return true // a dataset, zoom.<fileset>: event.dataset's value
				}
			}
			seen++
			_, declared := declaredAs(s, path)
			if !declared {
				_, declared = s[path] // a group
			}
			assert.True(t, declared, "%s: %s is not declared", fset.Position(lit.Pos()), path)
			return true
		})
	}
	assert.Greater(t, seen, 100, "the field paths of the mapper were found")
}
