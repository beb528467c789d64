// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Command filebeat is Filebeat with zoombeat's inputs compiled in. It keeps the
// name, flags, sub-commands and config layout of the stock binary, so that
// filebeat.yml, modules.d/, `filebeat modules enable zoom` and `filebeat setup`
// behave as Filebeat users know them.
package main

import (
	"os"
	_ "time/tzdata" // timezone data for hosts without /usr/share/zoneinfo

	"github.com/spf13/cobra"

	"github.com/elastic/beats/v7/filebeat/cmd"

	"github.com/zoombeat/zoombeat/input"
	"github.com/zoombeat/zoombeat/internal/managed"
	"github.com/zoombeat/zoombeat/internal/release"
	_ "github.com/zoombeat/zoombeat/module/zoom"           // the zoom module's fields, for templates
	_ "github.com/zoombeat/zoombeat/processors/detections" // the zoom_detections processor
	_ "github.com/zoombeat/zoombeat/processors/zoom"       // the zoom processor
)

func main() {
	root := cmd.Filebeat(input.Plugins, cmd.FilebeatSettings(""))
	release.SetVersionCommand(root.VersionCmd)
	// With management.enabled, Elastic Agent's input units become zoombeat's
	// inputs (internal/managed); set before any sub-command runs, as x-pack
	// Filebeat does.
	root.PersistentPreRun = func(*cobra.Command, []string) { managed.Register() }
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
