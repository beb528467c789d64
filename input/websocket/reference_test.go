// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"testing"

	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
	"github.com/zoombeat/zoombeat/testing/reference"
)

// filebeat.reference.yml lists every option of the input, none misspelt,
// each with its real default, in a valid example.
func TestReferenceListsEveryOption(t *testing.T) {
	for _, env := range []string{"ZOOM_WEBSOCKET_SUBSCRIPTION_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_ACCOUNT_ID"} {
		t.Setenv(env, "reference-example-value")
	}
	def := defaultConfig()
	reference.Check(t, reference.Block(t, "type: zoom_websocket"), &def, reference.Options{Leaves: []string{"ssl", "mapping"}, Ignore: []string{"type", "id", "processors"}})
}

// The zoom module's websocket fileset, rendered with its manifest's
// defaults, configures the input at the input's own defaults, every option
// being a var of the fileset.
func TestModuleDefaultsAreTheInputs(t *testing.T) {
	vars := reference.FilesetVars(t, zoommodule.WebSocketFileset)
	for _, k := range []string{"subscription_id", "client_id", "client_secret"} {
		vars[k] = "reference-example-value" // required, no default
	}
	def := defaultConfig()
	reference.Check(t, reference.RenderFileset(t, zoommodule.WebSocketFileset, vars), &def, reference.Options{
		Leaves:   []string{"ssl", "mapping"},
		Ignore:   []string{"type", "tags", "processors", "publisher_pipeline"},
		Optional: []string{"ssl", "proxy_url", "subscription_id", "client_id", "client_secret", "account_id"},
	})
}
