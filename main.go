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

	"github.com/elastic/beats/v7/filebeat/beater"
	"github.com/elastic/beats/v7/filebeat/cmd"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"

	"github.com/zoombeat/zoombeat/input"
	"github.com/zoombeat/zoombeat/internal/managed"
	"github.com/zoombeat/zoombeat/internal/queuefit"
	"github.com/zoombeat/zoombeat/internal/release"
	_ "github.com/zoombeat/zoombeat/module/zoom"           // the zoom module's fields, for templates
	_ "github.com/zoombeat/zoombeat/processors/detections" // the zoom_detections processor
	_ "github.com/zoombeat/zoombeat/processors/zoom"       // the zoom processor
)

func main() {
	settings := cmd.FilebeatSettings("")
	root := cmd.Filebeat(input.Plugins, settings)
	release.SetVersionCommand(root.VersionCmd)
	// Running, the Beat's creator is Filebeat's, wrapped so that the
	// output's queue flushes within zoom_webhook's ack_timeout whatever the
	// output's preset (internal/queuefit). cmd.Filebeat offers no creator of
	// one's own, so the run command (and the root command, its alias) are
	// set again, as libbeat's genRunCmd sets them.
	creator := queuefit.Creator(beater.New(input.Plugins))
	run := func(*cobra.Command, []string) {
		if err := instance.Run(settings, creator); err != nil {
			os.Exit(1)
		}
	}
	root.RunCmd.Run, root.Run = run, run
	// With management.enabled, Elastic Agent's input units become zoombeat's
	// inputs (internal/managed); set before any sub-command runs, as x-pack
	// Filebeat does. A standalone config's output is fitted then too.
	root.PersistentPreRun = func(*cobra.Command, []string) {
		managed.Register()
		queuefit.Standalone()
	}
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
