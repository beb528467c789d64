// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"fmt"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
)

// mapperName is the processor that maps a notification to ECS: the zoom
// processor (processors/zoom), found through libbeat's processor registry
// because that package's tests build events with this one.
const mapperName = "zoom"

// newMapper builds the mapping that the `mapping` block asks the input to run
// itself: the zoom processor with the block's options (redact_secrets,
// pseudonymize), checked as the processor checks them, so that a misspelt
// option is an error naming it. It returns nil when the block is absent or
// says enabled: false.
//
// Why the input maps, rather than a `zoom` processor in the input's
// `processors`: a pipeline client with processors of its own makes libbeat
// copy, for every event, the fields it adds (event.module, fileset.name,
// agent.*...), lest a processor change maps that all events share. Those
// copies were 13 % of the bytes Filebeat allocated under load
// (docs/performance.md). The mapping, run here before the event is
// published, changes only the event's own maps.
func newMapper(c *conf.C, log *logp.Logger) (beat.Processor, error) {
	if c == nil {
		return nil, nil
	}
	var on struct {
		Enabled bool `config:"enabled"`
	}
	on.Enabled = true // a `mapping` block turns it on, as an `ssl` block does
	if err := c.Unpack(&on); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if !on.Enabled {
		return nil, nil
	}
	opts, err := conf.NewConfigFrom(c)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if opts.HasField("enabled") { // the input's switch, not an option of the processor
		if _, err := opts.Remove("enabled", -1); err != nil {
			return nil, fmt.Errorf("mapping: %w", err)
		}
	}
	list := conf.NewConfig()
	if err := list.SetChild(mapperName, -1, opts); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	procs, err := processors.New(processors.PluginConfig{list}, log)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return procs, nil
}

// mapEvent runs the input's mapping on d's event in place. A mapping never
// drops a notification (what it cannot place goes to zoom.unmapped); should
// one return no event, the event is published as the mapping left it.
func mapEvent(mapper beat.Processor, d *delivery, log *logp.Logger) {
	if mapper == nil {
		return
	}
	ev, err := mapper.Run(&d.event)
	if err != nil {
		log.Warnf("Mapping the notification %s failed, publishing it as the mapping left it: %v", d.id, err)
	}
	if ev != nil && ev != &d.event {
		d.event = *ev
	}
	d.event.Private = d
}
