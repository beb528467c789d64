// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package queuefit makes the output's memory queue flush soon enough for
// zoom_webhook: a notification is answered 200 only once its event is
// acknowledged, within ack_timeout, and the queue hands the output nothing
// until a batch is full or its flush timeout has passed. Elasticsearch's
// performance presets set that timeout to seconds (balanced, Fleet's
// default: 10 s; throughput 5 s; scale 20 s) and, when they set a queue,
// drop the output's own queue block; the memory queue's own default is 10 s.
// A lone notification in quiet hours would then wait past Zoom's 3 s
// deadline, get 503 each time Zoom retries, and be lost.
//
// zoombeat's queue serves zoombeat alone (under Elastic Agent it runs as its
// own component), so it can flush at once without touching the other
// integrations on the same output. Output finds an output whose effective
// flush timeout is too long; the Fit it returns keeps every other setting of
// the preset (batch size, workers, compression) and replaces the timeout.
package queuefit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elastic/beats/v7/libbeat/outputs/elasticsearch"
	"github.com/elastic/beats/v7/libbeat/publisher/queue/memqueue"
	"github.com/elastic/elastic-agent-libs/config"

	"github.com/zoombeat/zoombeat/input/webhook"
)

// MaxFlushTimeout is the longest flush timeout left in place: half of
// zoom_webhook's default ack_timeout, so that the bulk request and its
// answer have the other half. The latency preset (1 s) fits.
const MaxFlushTimeout = webhook.DefaultACKTimeout / 2

// FlushTimeout replaces a longer one. 0s hands the output whatever is waiting
// as soon as it is free; under load batches still form while the output is
// busy with the previous one. mage bench measured it against 5 ms and 200 ms
// (docs/performance.md, "Presets").
const FlushTimeout = "0s"

// custom is the preset that applies no settings of its own: a fitted output
// carries the expanded preset under it, so that libbeat does not apply the
// preset again and drop the fitted queue.
const custom = "custom"

// Fit is the change an output needs.
type Fit struct {
	Output string        // the output's type: elasticsearch, logstash, kafka...
	Preset string        // the preset whose flush timeout is replaced; "" when the queue set it
	From   time.Duration // the flush timeout replaced
	// Settings are the output's settings (flattened keys under
	// output.<type>, and values as libbeat reads them) that give the fitted
	// queue: preset custom with the preset's own settings, and
	// queue.mem.flush.timeout.
	Settings [][2]string
}

// Output tells whether an output config, in the form libbeat passes it
// ({<type>: {...}}), needs a Fit, or returns nil. queueDefault says whether
// the memory queue's default applies when the output sets no queue: under
// Elastic Agent it does (the Agent sends no top-level queue), while a
// standalone Filebeat then uses its top-level queue, which is the user's.
func Output(output *config.C, queueDefault bool) (*Fit, error) {
	var ns config.Namespace
	if err := output.Unpack(&ns); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if !ns.IsSet() {
		return nil, nil
	}
	cfg, err := clone(ns.Config())
	if err != nil {
		return nil, fmt.Errorf("output.%s: %w", ns.Name(), err)
	}
	fit := &Fit{Output: ns.Name()}
	if preset, _ := cfg.String("preset", -1); ns.Name() == "elasticsearch" && preset != "" && preset != custom {
		_, applied, err := elasticsearch.ApplyPreset(preset, cfg)
		if err != nil {
			return nil, fmt.Errorf("output.elasticsearch.preset: %w", err)
		}
		if slices.ContainsFunc(applied.FlattenedKeys(), func(k string) bool { return strings.HasPrefix(k, "queue.") }) {
			fit.Preset = preset
		}
		fit.Settings = append(fit.Settings, [2]string{"preset", custom})
		for _, k := range applied.FlattenedKeys() {
			v, err := applied.String(k, -1)
			if err != nil {
				return nil, fmt.Errorf("output.elasticsearch.preset %s: %s: %w", preset, k, err)
			}
			fit.Settings = append(fit.Settings, [2]string{k, v})
		}
	}

	var q struct {
		Queue config.Namespace `config:"queue"`
	}
	if err := cfg.Unpack(&q); err != nil {
		return nil, fmt.Errorf("output.%s.queue: %w", ns.Name(), err)
	}
	var mem *config.C
	switch {
	case q.Queue.IsSet() && q.Queue.Name() == "mem":
		mem = q.Queue.Config()
	case q.Queue.IsSet():
		return nil, nil // the disk queue acknowledges once an event is on disk, without waiting for a batch
	case !queueDefault:
		return nil, nil
	}
	settings, err := memqueue.SettingsForUserConfig(mem)
	if err != nil {
		return nil, fmt.Errorf("output.%s.queue.mem: %w", ns.Name(), err)
	}
	if settings.FlushTimeout <= MaxFlushTimeout {
		return nil, nil
	}
	fit.From = settings.FlushTimeout
	i := slices.IndexFunc(fit.Settings, func(s [2]string) bool { return s[0] == "queue.mem.flush.timeout" })
	if i < 0 {
		fit.Settings = append(fit.Settings, [2]string{"queue.mem.flush.timeout", FlushTimeout})
	} else {
		fit.Settings[i][1] = FlushTimeout
	}
	return fit, nil
}

// Apply returns a copy of output (in namespace form) with the fit's settings.
func (f *Fit) Apply(output *config.C) (*config.C, error) {
	var ns config.Namespace
	if err := output.Unpack(&ns); err != nil {
		return nil, err
	}
	cfg, err := clone(ns.Config())
	if err != nil {
		return nil, err
	}
	if f.Preset != "" {
		// The preset's queue replaces the output's own, as libbeat does.
		if _, err := cfg.Remove("queue", -1); err != nil {
			return nil, err
		}
	}
	for _, s := range f.Settings {
		if err := cfg.SetString(s[0], -1, s[1]); err != nil {
			return nil, fmt.Errorf("output.%s.%s: %w", f.Output, s[0], err)
		}
	}
	return config.NewConfigFrom(map[string]any{f.Output: cfg})
}

// Overwrites are the fit as -E settings of a standalone Filebeat.
func (f *Fit) Overwrites() []string {
	out := make([]string, len(f.Settings))
	for i, s := range f.Settings {
		out[i] = fmt.Sprintf("output.%s.%s=%s", f.Output, s[0], s[1])
	}
	return out
}

// String says what was replaced and why, for the log.
func (f *Fit) String() string {
	var what, kept string
	if f.Preset != "" {
		what = fmt.Sprintf("output.%s.preset %q sets queue.mem.flush.timeout %v", f.Output, f.Preset, f.From)
		var others []string
		for _, s := range f.Settings {
			if s[0] != "preset" && s[0] != "queue.mem.flush.timeout" {
				others = append(others, s[0]+" "+s[1])
			}
		}
		kept = "; the preset's other settings stay: " + strings.Join(others, ", ")
	} else {
		what = fmt.Sprintf("output.%s's memory queue flushes after %v (queue.mem.flush.timeout)", f.Output, f.From)
	}
	return fmt.Sprintf("%s: a lone Zoom notification would wait that long for its batch, past zoom_webhook's ack_timeout "+
		"(default %v) and Zoom's 3 s deadline, and get 503. zoombeat's queue serves zoombeat alone, so it uses "+
		"queue.mem.flush.timeout %s instead, which acknowledges a lone event at once%s",
		what, webhook.DefaultACKTimeout, FlushTimeout, kept)
}

// clone copies a config, so that neither ApplyPreset nor Apply changes the
// one libbeat holds. The copy through a map also drops the namespace prefix
// that FlattenedKeys would otherwise report (see flattenedKeysForConfig in
// libbeat's presets).
func clone(c *config.C) (*config.C, error) {
	m := map[string]any{}
	if err := c.Unpack(&m); err != nil {
		return nil, err
	}
	return config.NewConfigFrom(m)
}
