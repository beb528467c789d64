// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"testing"

	"github.com/zoombeat/zoombeat/testing/reference"
)

// filebeat.reference.yml lists every option of the processor, none misspelt,
// each with its real default, in a valid example.
func TestReferenceListsEveryOption(t *testing.T) {
	t.Setenv("ZOOM_PSEUDONYM_KEY", "reference-example-value")
	def := defaultConfig()
	reference.Check(t, reference.Block(t, "zoom:"), &def, reference.Options{})
}
