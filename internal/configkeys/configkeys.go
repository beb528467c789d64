// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package configkeys finds configuration keys that a settings struct does not
// declare. go-ucfg ignores keys it has no field for, so a misspelt option
// (`pseudonymize: {enable: true}`) would silently leave a setting at its
// default; for security and privacy settings that is a leak nobody sees.
// libbeat's checks.AllowedFields looks at top-level keys only; these checks
// follow the struct into its nested blocks.
package configkeys

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	conf "github.com/elastic/elastic-agent-libs/config"
)

// Known returns a check, for checks.ConfigChecked or a Configure function,
// that fails on any key of the configuration, at any depth, that the struct
// v points to does not declare by its `config` tags. extra names top-level
// keys handled elsewhere (a processor's `when`).
func Known(v any, extra ...string) func(*conf.C) error {
	keys := keysOf(reflect.TypeOf(v))
	for _, k := range extra {
		keys[k] = nil
	}
	return func(c *conf.C) error { return errors.Join(unknown(c, "", keys)...) }
}

// KnownIn is Known for the named top-level blocks only (`ssl`, `signature`),
// for configurations that also hold keys owned by Filebeat (an input's
// `processors`, `fields`, `index`...).
func KnownIn(v any, blocks ...string) func(*conf.C) error {
	keys := keysOf(reflect.TypeOf(v))
	return func(c *conf.C) error {
		var errs []error
		for _, b := range blocks {
			sub, declared := keys[b]
			if declared && sub != nil && c.HasField(b) {
				if child, err := c.Child(b, -1); err == nil {
					errs = append(errs, unknown(child, b+".", sub)...)
				}
			}
		}
		return errors.Join(errs...)
	}
}

// keySet maps each declared key to the keys of its block, or to nil for a
// value that takes any content (a scalar, a list, a map, a custom unpacker).
type keySet map[string]keySet

func keysOf(t reflect.Type) keySet {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	keys := keySet{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("config"), ",")
		if slices.Contains(strings.Split(opts, ","), "inline") {
			for k, v := range keysOf(f.Type) {
				keys[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name) // go-ucfg's default
		}
		if name == "-" {
			continue
		}
		keys[name] = blockKeys(f.Type)
	}
	return keys
}

// blockKeys is the key set of a struct-typed value, nil for anything else.
func blockKeys(t reflect.Type) keySet {
	if hasUnpack(t) {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || hasUnpack(t) {
		return nil
	}
	return keysOf(t)
}

// hasUnpack reports a type that unpacks itself from a value (go-ucfg's
// Unpacker interfaces, e.g. from a string): its content is its own business.
// A struct whose Unpack takes a configuration and unpacks it into its own
// fields (tlscommon.ServerConfig) still declares its keys by its tags.
func hasUnpack(t reflect.Type) bool {
	m, ok := t.MethodByName("Unpack")
	if !ok && t.Kind() != reflect.Pointer {
		m, ok = reflect.PointerTo(t).MethodByName("Unpack")
	}
	if !ok || m.Type.NumIn() != 2 {
		return ok
	}
	arg := m.Type.In(1)
	return arg != configType && arg != reflect.PointerTo(configType)
}

var configType = reflect.TypeOf(conf.C{})

func unknown(c *conf.C, prefix string, keys keySet) []error {
	var errs []error
	for _, k := range c.GetFields() {
		sub, ok := keys[k]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown option %s%s (known here: %s)", prefix, k, strings.Join(names(keys), ", ")))
			continue
		}
		if sub == nil || !c.IsDict() {
			continue
		}
		if child, err := c.Child(k, -1); err == nil && child.IsDict() {
			errs = append(errs, unknown(child, prefix+k+".", sub)...)
		}
	}
	return errs
}

func names(keys keySet) []string {
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Paths lists the dotted paths of every key the struct v points to declares,
// following its nested blocks down to their values, sorted. A path named in
// leaves counts as one key (a TLS block, whose options libbeat documents).
func Paths(v any, leaves ...string) []string {
	var out []string
	var walk func(prefix string, keys keySet)
	walk = func(prefix string, keys keySet) {
		for k, sub := range keys {
			p := prefix + k
			if sub == nil || slices.Contains(leaves, p) {
				out = append(out, p)
				continue
			}
			walk(p+".", sub)
		}
	}
	walk("", keysOf(reflect.TypeOf(v)))
	slices.Sort(out)
	return out
}
