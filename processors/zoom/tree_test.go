// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
)

func TestSourceString(t *testing.T) {
	root := source{name: "payload"}
	obj := root.key("object")
	list := obj.key("participants")
	elem := list.index(3)
	id := elem.key("id")
	empty := obj.key("")
	assert.Equal(t, "payload.object.participants.3.id", id.String())
	assert.Equal(t, "payload.object.participants.3", elem.String())
	assert.Equal(t, "payload.object.", empty.String(), "an empty key is a key, not an index")
}

// TestFieldTreeMatchesSchema: descending the tree key by key finds exactly
// the schema's declared fields, as a lookup of the joined path would.
func TestFieldTreeMatchesSchema(t *testing.T) {
	schema, err := zoommodule.LoadSchema()
	require.NoError(t, err)
	tree := newFieldTree(schema)
	require.NotNil(t, tree.zoom)
	for path, f := range schema {
		n := tree.lookup(path)
		require.NotNil(t, n, path)
		assert.Equal(t, f, n.Field)
		for k, c := range n.children {
			assert.Equal(t, schema[path+"."+k], c.Field, "%s.%s", path, k)
		}
		if parent, ok := schema[path[:max(0, len(path)-len(n.name())-1)]]; ok && parent.Path != path {
			assert.Same(t, n, tree.lookup(parent.Path).child(n.name()), path)
		}
	}
	assert.Nil(t, tree.zoom.child("no_such_field"))
	assert.Nil(t, (*fieldNode)(nil).child("x"))
	assert.Equal(t, "id", tree.lookup("zoom.recording.recording_files.id").rel(tree.lookup("zoom.recording.recording_files")))
}
