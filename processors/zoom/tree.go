// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"strconv"
	"strings"

	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
)

// fieldNode is a declared field with its declared sub-fields by key.
type fieldNode struct {
	zoommodule.Field
	children map[string]*fieldNode
	// What coercing a value needs, worked out once for the schema rather
	// than for every value: the last key of Path, whether the type is a
	// keyword type, and whether the key holds a secret.
	key     string
	keyword bool
	secret  bool
}

// child is the declared sub-field key of n, or nil (n may be nil).
func (n *fieldNode) child(key string) *fieldNode {
	if n == nil {
		return nil
	}
	return n.children[key]
}

// family is the zoom.* group that a notification family's fields are
// declared under (zoom.meeting for meeting.*), or nil for a family the
// schema does not declare, whose fields go to zoom.unmapped. The schema
// decides: declaring a family's fields in the webhook fileset's fields.yml
// makes it known, with no Go.
func (t *fieldTree) family(name string) *fieldNode {
	if n := t.zoom.child(name); n != nil && len(n.children) > 0 {
		return n
	}
	return nil
}

// name is the last key of n's path.
func (n *fieldNode) name() string { return n.key }

// rel is n's path relative to base (a nested field n is under), or its
// whole path when base is nil.
func (n *fieldNode) rel(base *fieldNode) string {
	if base == nil {
		return n.Path
	}
	return n.Path[len(base.Path)+1:]
}

// pathOr is n's path, or fallback when n is nil.
func (n *fieldNode) pathOr(fallback string) string {
	if n == nil {
		return fallback
	}
	return n.Path
}

// fieldTree is the schema as a tree. The mapping descends it key by key
// alongside the notification instead of joining and hashing a dotted path
// for every value; a node's children are exactly the schema's fields one key
// below it.
type fieldTree struct {
	byPath map[string]*fieldNode
	zoom   *fieldNode // the zoom group
}

func newFieldTree(schema zoommodule.Schema) *fieldTree {
	t := &fieldTree{byPath: make(map[string]*fieldNode, len(schema))}
	for path, f := range schema {
		key := lastKey(path)
		t.byPath[path] = &fieldNode{Field: f, key: key, keyword: isKeywordType(f.Type), secret: isSecretKey(key)}
	}
	for path, n := range t.byPath {
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			if parent, ok := t.byPath[path[:i]]; ok {
				if parent.children == nil {
					parent.children = map[string]*fieldNode{}
				}
				parent.children[path[i+1:]] = n
			}
		}
	}
	t.zoom = t.byPath["zoom"]
	return t
}

// lookup is the declared field at path, or nil.
func (t *fieldTree) lookup(path string) *fieldNode { return t.byPath[path] }

// source is where a value was found in the notification: a chain of keys
// and list indexes, spelled out (payload.object.participants.0.id) only
// when a value lands in zoom.unmapped or an error message. The mapping
// makes one per value, on the stack.
type source struct {
	parent  *source
	name    string
	at      int  // the list index, for a list element
	element bool // a list element, named by at
}

func (s *source) key(k string) source { return source{parent: s, name: k} }
func (s *source) index(i int) source  { return source{parent: s, at: i, element: true} }

func (s *source) String() string {
	var parts []string
	for p := s; p != nil; p = p.parent {
		if p.element {
			parts = append(parts, strconv.Itoa(p.at))
		} else {
			parts = append(parts, p.name)
		}
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
		if i > 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}
