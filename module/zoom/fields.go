// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package zoom holds the zoom module's field declarations: it combines the
// module's and each fileset's _meta/fields.yml into the top-level fields.yml,
// registers them with libbeat (so `filebeat export template` and `filebeat
// setup` carry them), and serves them as a Schema to the zoom processor,
// which coerces every value to its declared type.
package zoom

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/elastic/beats/v7/libbeat/asset"
	"github.com/elastic/beats/v7/libbeat/mapping"

	"github.com/zoombeat/zoombeat/include"
)

var (
	//go:embed _meta/config.yml
	moduleConfig []byte
	//go:embed _meta/fields.yml
	moduleFields []byte
	//go:embed webhook/_meta/fields.yml
	webhookFields []byte
	//go:embed operationlogs/_meta/fields.yml
	operationLogsFields []byte
	//go:embed activities/_meta/fields.yml
	activitiesFields []byte
	//go:embed meeting_activities/_meta/fields.yml
	meetingActivitiesFields []byte
)

// filesetFields are the filesets' field lists, in the order they are combined.
var filesetFields = []struct {
	name   string
	fields []byte
}{
	{"webhook", webhookFields},
	{"operationlogs", operationLogsFields},
	{"activities", activitiesFields},
	{"meeting_activities", meetingActivitiesFields},
	{WebSocketFileset, webhookFields},
}

// zoomGroupIndent is the indentation of the entries of the `zoom` group in
// _meta/fields.yml, the last entry of that file; fileset fields join it.
const zoomGroupIndent = "        "

// FieldsYAML returns the module's fields: module/zoom/_meta/fields.yml with
// every fileset's fields appended to the `zoom` group. The top-level
// fields.yml is the inputs' fields (include) followed by these.
func FieldsYAML() []byte {
	var b bytes.Buffer
	b.Write(bytes.TrimRight(moduleFields, "\n"))
	b.WriteByte('\n')
	for _, fs := range filesetFields {
		if SharesFields[fs.name] != "" {
			continue // declared once, by the fileset it shares them with
		}
		fmt.Fprintf(&b, "%s# fileset %s\n", zoomGroupIndent, fs.name)
		for _, line := range strings.Split(strings.TrimRight(string(fs.fields), "\n"), "\n") {
			if line != "" {
				b.WriteString(zoomGroupIndent)
			}
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// ModulesDYAML returns modules.d/zoom.yml.disabled, the module's config that
// `filebeat modules enable zoom` turns on.
func ModulesDYAML() []byte {
	var b bytes.Buffer
	b.WriteString("# Module: zoom\n")
	b.WriteString("# Docs: module/zoom/_meta/docs.md (generated from module/zoom/_meta/config.yml)\n\n")
	b.Write(moduleConfig)
	return b.Bytes()
}

func init() {
	// Registered at module priority, after libbeat's ECS fields, which
	// zoombeat uses as they are.
	if err := asset.SetFields("filebeat", "zoom", asset.ModuleFieldsPri, func() string {
		enc, err := asset.EncodeData(string(FieldsYAML()))
		if err != nil {
			panic(err)
		}
		return enc
	}); err != nil {
		panic(err)
	}
}

// Field is one declared field.
type Field struct {
	Path string // full dotted name, e.g. zoom.meeting.id
	Type string // keyword, long, date, boolean, ip, flattened, nested, group...
}

// Schema is the set of declared fields by full path.
type Schema map[string]Field

var (
	schemaOnce sync.Once
	schema     Schema
	schemaErr  error
)

// LoadSchema parses, once, every field zoombeat declares: the inputs' own
// (include.FieldsCommon) and the module's (FieldsYAML).
func LoadSchema() (Schema, error) {
	schemaOnce.Do(func() {
		var fields mapping.Fields
		fields, schemaErr = mapping.LoadFields(append([]byte(include.FieldsCommon), FieldsYAML()...))
		if schemaErr != nil {
			schemaErr = fmt.Errorf("parsing the zoom module's fields.yml: %w", schemaErr)
			return
		}
		schema, schemaErr = SchemaFrom(fields, true)
	})
	return schema, schemaErr
}

// SchemaFrom indexes libbeat field declarations by full path. With strict,
// every field must have a description and none may be declared twice, as
// holds for the zoom module's own fields; libbeat's whole set (ECS included)
// is read without it.
func SchemaFrom(fields mapping.Fields, strict bool) (Schema, error) {
	s := Schema{}
	return s, s.add("", fields, strict)
}

func (s Schema) add(prefix string, fields mapping.Fields, strict bool) error {
	for _, f := range fields {
		path := f.Name
		if prefix != "" {
			path = prefix + "." + f.Name
		}
		typ := f.Type
		if typ == "" {
			typ = "keyword" // libbeat's default
		}
		if _, dup := s[path]; dup && strict && s[path].Type != "group" {
			return fmt.Errorf("field %s is declared twice", path)
		}
		if f.Description == "" && strict {
			return fmt.Errorf("field %s has no description", path)
		}
		s[path] = Field{Path: path, Type: typ}
		// Dotted names (http.request.headers) declare their parents implicitly.
		for p := path; strings.Contains(p, "."); {
			p = p[:strings.LastIndex(p, ".")]
			if _, ok := s[p]; !ok {
				s[p] = Field{Path: p, Type: "group"}
			}
		}
		if len(f.Fields) > 0 {
			if err := s.add(path, f.Fields, strict); err != nil {
				return err
			}
		}
	}
	return nil
}
