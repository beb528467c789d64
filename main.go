// Command filebeat is Filebeat with zoombeat's inputs compiled in. It keeps the
// name, flags, sub-commands and config layout of the stock binary, so that
// filebeat.yml, modules.d/, `filebeat modules enable zoom` and `filebeat setup`
// behave as Filebeat users know them.
package main

import (
	"os"
	_ "time/tzdata" // timezone data for hosts without /usr/share/zoneinfo

	"github.com/elastic/beats/v7/filebeat/cmd"

	"github.com/zoombeat/zoombeat/input"
	_ "github.com/zoombeat/zoombeat/module/zoom"           // the zoom module's fields, for templates
	_ "github.com/zoombeat/zoombeat/processors/detections" // the zoom_detections processor
	_ "github.com/zoombeat/zoombeat/processors/zoom"       // the zoom processor
)

func main() {
	if err := cmd.Filebeat(input.Plugins, cmd.FilebeatSettings("")).Execute(); err != nil {
		os.Exit(1)
	}
}
