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
	reference.Check(t, reference.Block(t, "type: zoom_webhook"), &def, reference.Options{Leaves: []string{"ssl", "mapping"}, Ignore: []string{"type", "id", "processors"}})
}

// The zoom module's webhook fileset, rendered with its manifest's defaults,
// configures the input at the input's own defaults, every option being a
// var of the fileset.
func TestModuleDefaultsAreTheInputs(t *testing.T) {
	vars := reference.FilesetVars(t, "webhook")
	vars["secret_token"] = "reference-example-value" // required, no default
	def := defaultConfig()
	reference.Check(t, reference.RenderFileset(t, "webhook", vars), &def, reference.Options{
		Leaves:   []string{"ssl"},
		Ignore:   []string{"type", "tags", "processors", "publisher_pipeline"},
		Optional: []string{"secret.header", "secret.value", "ssl", "include_headers", "allowed_networks"},
	})
}
