// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every family events.yml categorizes is declared in the schema, so its
// fields are placed; every family with code of its own is declared too. No
// third list of families exists to fall out of step.
func TestFamiliesAreTheSchemas(t *testing.T) {
	p, err := newProcessor(defaultConfig())
	require.NoError(t, err)
	for name := range p.taxonomy {
		family, _, ok := strings.Cut(name, ".")
		if !ok || strings.HasPrefix(name, "*") {
			continue
		}
		assert.NotNil(t, p.tree.family(family), "%s: family %s has no fields declared under zoom.%s", name, family, family)
	}
	for family := range familyMappers {
		assert.NotNil(t, p.tree.family(family), "familyMappers maps %s, which the schema does not declare", family)
	}
	assert.Nil(t, p.tree.family("account_id"), "a declared leaf is no family")
	assert.Nil(t, p.tree.family("no_such_family"))
}
