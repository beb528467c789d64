// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"testing"

	"github.com/zoombeat/zoombeat/testing/reference"
)

// filebeat.reference.yml lists every option of the input, none misspelt,
// each with its real default, in a valid example.
func TestReferenceListsEveryOption(t *testing.T) {
	t.Setenv("ZOOM_ACCOUNT_ID", "reference-example-value")
	t.Setenv("ZOOM_CLIENT_ID", "reference-example-value")
	t.Setenv("ZOOM_CLIENT_SECRET", "reference-example-value")
	def := defaultConfig()
	reference.Check(t, reference.Block(t, "type: zoom_reports"), &def, []string{"ssl"}, "type", "id", "processors")
}
