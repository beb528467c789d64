// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package input lists the inputs of the zoombeat Filebeat: Filebeat's own
// default inputs plus zoombeat's.
package input

import (
	inputs "github.com/elastic/beats/v7/filebeat/input/default-inputs"
	v2 "github.com/elastic/beats/v7/filebeat/input/v2"
	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/statestore"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/paths"

	"github.com/zoombeat/zoombeat/input/reports"
	"github.com/zoombeat/zoombeat/input/webhook"
	"github.com/zoombeat/zoombeat/input/websocket"
)

// Plugins is the beater.PluginFactory of the custom Filebeat.
func Plugins(info beat.Info, log *logp.Logger, components statestore.States, path *paths.Path) []v2.Plugin {
	return append(inputs.Init(info, log, components, path),
		webhook.Plugin(log),
		reports.Plugin(log, components),
		websocket.Plugin(log),
	)
}
