// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"testing"

	"github.com/zoombeat/zoombeat/testing/reference"
)

// filebeat.reference.yml lists every option of the input, none misspelt,
// each with its real default, in a valid example.
func TestReferenceListsEveryOption(t *testing.T) {
	t.Setenv("ZOOM_SECRET_TOKEN", "reference-example-value")
	t.Setenv("ZOOM_CUSTOM_HEADER_VALUE", "reference-example-value")
	def := defaultConfig()
	reference.Check(t, reference.Block(t, "type: zoom_webhook"), &def, []string{"ssl"}, "type", "id", "processors")
}
