// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"fmt"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors/checks"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/internal/configkeys"
)

// ForInput builds the mapping that an input's `mapping` block asks the input
// to run itself (zoom_webhook, zoom_websocket): this processor with the
// block's options (redact_secrets, pseudonymize), a misspelt one an error
// naming it, as for the processor. It returns nil when the block is absent
// or says enabled: false.
//
// Why an input maps, rather than a `zoom` processor in the input's
// `processors`: a pipeline client with processors of its own makes libbeat
// copy, for every event, the fields it adds (event.module, fileset.name,
// agent.*...), lest a processor change maps that all events share. Those
// copies were 13 % of the bytes Filebeat allocated under load
// (docs/performance.md). The mapping, run by the input before the event is
// published, changes only the event's own maps.
func ForInput(block *conf.C, log *logp.Logger) (beat.Processor, error) {
	if block == nil {
		return nil, nil
	}
	var on struct {
		Enabled bool `config:"enabled"`
	}
	on.Enabled = true // a `mapping` block turns it on, as an `ssl` block does
	if err := block.Unpack(&on); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if !on.Enabled {
		return nil, nil
	}
	opts, err := conf.NewConfigFrom(block)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if opts.HasField("enabled") { // the input's switch, not an option of the processor
		if _, err := opts.Remove("enabled", -1); err != nil {
			return nil, fmt.Errorf("mapping: %w", err)
		}
	}
	p, err := checks.ConfigChecked(New, configkeys.Known(&config{}))(opts, log)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return p, nil
}

// MapInPlace runs an input's mapping (nil: none) on ev, which keeps its
// Private value (the input's ACK handle). A mapping never drops a
// notification (what it cannot place goes to zoom.unmapped); should one
// return no event, ev stays as the mapping left it. id names the event in
// the warning of a failed mapping.
func MapInPlace(mapper beat.Processor, ev *beat.Event, id string, log *logp.Logger) {
	if mapper == nil {
		return
	}
	private := ev.Private
	out, err := mapper.Run(ev)
	if err != nil {
		log.Warnf("Mapping the notification %s failed, publishing it as the mapping left it: %v", id, err)
	}
	if out != nil && out != ev {
		*ev = *out
	}
	ev.Private = private
}
