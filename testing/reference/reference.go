// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package reference reads the commented-out examples of filebeat.reference.yml,
// and renders the zoom module's filesets with their defaults, for tests that
// hold both to the code: every option of an input or a processor is listed,
// none is misspelt, and each shows its real default.
package reference

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gopkg.in/yaml.v3"

	"github.com/elastic/beats/v7/filebeat/fileset"
	"github.com/elastic/beats/v7/libbeat/version"
	conf "github.com/elastic/elastic-agent-libs/config"

	"github.com/zoombeat/zoombeat/internal/configkeys"
)

// root is the repository root of this checkout.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Path is filebeat.reference.yml in this checkout.
func Path() string {
	return filepath.Join(root(), "filebeat.reference.yml")
}

// FilesetVars returns the vars of the zoom module's fileset fs with the
// defaults of its manifest, as Filebeat passes them to the input template.
func FilesetVars(t *testing.T, fs string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(), "module", "zoom", fs, "manifest.yml"))
	require.NoError(t, err)
	var m struct {
		Var []struct {
			Name    string `yaml:"name"`
			Default any    `yaml:"default"`
		} `yaml:"var"`
	}
	require.NoError(t, yaml.Unmarshal(b, &m))
	vars := map[string]any{"builtin": map[string]any{"prefix": "filebeat", "module": "zoom", "fileset": fs, "beatVersion": version.GetDefaultVersion()}}
	for _, v := range m.Var {
		vars[v.Name] = v.Default
	}
	return vars
}

// RenderFileset renders the input template of the zoom module's fileset fs
// with vars, as Filebeat does when it loads the fileset.
func RenderFileset(t *testing.T, fs string, vars map[string]any) *conf.C {
	t.Helper()
	tmpl, err := os.ReadFile(filepath.Join(root(), "module", "zoom", fs, "config", fs+".yml"))
	require.NoError(t, err)
	out, err := fileset.ApplyTemplate(vars, string(tmpl), false)
	require.NoError(t, err)
	cfg, err := conf.NewConfigWithYAML([]byte(out), fs+".yml")
	require.NoError(t, err, "rendered config is not YAML:\n%s", out)
	return cfg
}

// Block returns the commented-out list item of filebeat.reference.yml that begins with
// the line `#<indent>- <head>` (`type: zoom_webhook` for an input, `zoom:`
// for a processor), uncommented; for a processor, the options under its
// name.
func Block(t *testing.T, head string) *conf.C {
	t.Helper()
	reference, err := os.ReadFile(Path())
	require.NoError(t, err)
	lines := strings.Split(string(reference), "\n")
	first := regexp.MustCompile(`^#\s*- ` + regexp.QuoteMeta(head) + `$`)
	start := slices.IndexFunc(lines, first.MatchString)
	require.GreaterOrEqual(t, start, 0, "filebeat.reference.yml has no example beginning with `- %s`", head)
	indent := strings.Index(lines[start], "-")
	item := []string{strings.Repeat(" ", indent-1) + lines[start][indent:]}
	for _, l := range lines[start+1:] {
		// The item goes on while lines are commented and indented past
		// its dash (blank commented lines included).
		if !strings.HasPrefix(l, "#") || (strings.TrimSpace(l[1:]) != "" && len(l)-len(strings.TrimLeft(l[1:], " "))-1 <= indent-1) {
			break
		}
		item = append(item, l[1:])
	}
	c, err := conf.NewConfigWithYAML([]byte(strings.Join(item, "\n")), "filebeat.reference.yml")
	require.NoError(t, err, "the example of %s is YAML once uncommented:\n%s", head, strings.Join(item, "\n"))
	var list []*conf.C
	require.NoError(t, c.Unpack(&list))
	require.Len(t, list, 1)
	if name, ok := strings.CutSuffix(head, ":"); ok {
		sub, err := list[0].Child(name, -1)
		require.NoError(t, err)
		return sub
	}
	return list[0]
}

// Options say how Check reads an example.
type Options struct {
	Leaves   []string // paths that count as one key (a TLS block, whose options libbeat documents)
	Ignore   []string // keys that belong to Filebeat, not to the settings (type, id, processors...)
	Optional []string // keys the example may leave out (set only when given a value)
}

// Check holds block, the example of one input or processor, to defaults,
// the settings struct with its defaults: every key the struct declares is in
// the example, no key of the example is unknown, the example is valid, and
// it shows each set default as it is.
func Check(t *testing.T, block *conf.C, defaults any, o Options) {
	t.Helper()
	for _, k := range o.Ignore {
		_, _ = block.Remove(k, -1)
	}
	assert.NoError(t, configkeys.Known(defaults)(block), "the example has only known options")
	for _, p := range configkeys.Paths(defaults, o.Leaves...) {
		if slices.Contains(o.Optional, p) {
			continue
		}
		ok, err := block.Has(p, -1)
		assert.True(t, ok && err == nil, "the example lists %s", p)
	}
	example := reflect.New(reflect.TypeOf(defaults).Elem())
	require.NoError(t, block.Unpack(example.Interface()), "the example is a valid configuration")
	sameWhereSet(t, "", reflect.ValueOf(defaults).Elem(), example.Elem())
}

// sameWhereSet reports each field whose default is set (not the zero value)
// and differs in the example.
func sameWhereSet(t *testing.T, path string, def, ex reflect.Value) {
	t.Helper()
	if def.Kind() == reflect.Struct {
		for i := range def.NumField() {
			f := def.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("config"), ",")
			sameWhereSet(t, strings.TrimPrefix(path+"."+name, "."), def.Field(i), ex.Field(i))
		}
		return
	}
	if !def.IsZero() {
		assert.Equal(t, def.Interface(), ex.Interface(), "the example shows %s's default", path)
	}
}
