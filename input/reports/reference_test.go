// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"testing"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/reference"
)

// filebeat.reference.yml lists every option of the input, none misspelt,
// each with its real default, in a valid example.
func TestReferenceListsEveryOption(t *testing.T) {
	t.Setenv("ZOOM_ACCOUNT_ID", "reference-example-value")
	t.Setenv("ZOOM_CLIENT_ID", "reference-example-value")
	t.Setenv("ZOOM_CLIENT_SECRET", "reference-example-value")
	def := defaultConfig()
	reference.Check(t, reference.Block(t, "type: zoom_reports"), &def, reference.Options{Leaves: []string{"ssl"}, Ignore: []string{"type", "id", "processors"}})
}

// The zoom module's report filesets, rendered with their manifests'
// defaults, configure the input at the input's own defaults, every option
// being a var of the fileset.
func TestModuleDefaultsAreTheInputs(t *testing.T) {
	for _, fs := range contract.Reports {
		t.Run(fs, func(t *testing.T) {
			vars := reference.FilesetVars(t, fs)
			for _, k := range []string{"account_id", "client_id", "client_secret"} {
				vars[k] = "reference-example-value" // required, no default
			}
			def := defaultConfig()
			reference.Check(t, reference.RenderFileset(t, fs, vars), &def, reference.Options{
				Leaves:   []string{"ssl"},
				Ignore:   []string{"type", "tags", "processors", "publisher_pipeline"},
				Optional: []string{"ssl", "proxy_url"},
			})
		})
	}
}
