// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package queuefit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/libbeat/outputs/elasticsearch"
	"github.com/elastic/beats/v7/libbeat/publisher/queue/memqueue"
	"github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
)

func outputConfig(t *testing.T, yaml string) *config.C {
	t.Helper()
	c, err := config.NewConfigWithYAML([]byte(yaml), "test")
	require.NoError(t, err)
	return c
}

// effective is what libbeat's Elasticsearch output makes of an output config:
// the preset applied, then the output's memory queue settings.
func effective(t *testing.T, output *config.C) (preset string, queue memqueue.Settings, es map[string]any) {
	t.Helper()
	var ns config.Namespace
	require.NoError(t, output.Unpack(&ns))
	cfg := ns.Config()
	preset, _ = cfg.String("preset", -1)
	if preset != "" {
		_, _, err := elasticsearch.ApplyPreset(preset, cfg)
		require.NoError(t, err)
	}
	var q struct {
		Queue config.Namespace `config:"queue"`
	}
	require.NoError(t, cfg.Unpack(&q))
	var mem *config.C
	if q.Queue.IsSet() {
		require.Equal(t, "mem", q.Queue.Name())
		mem = q.Queue.Config()
	}
	queue, err := memqueue.SettingsForUserConfig(mem)
	require.NoError(t, err)
	var typed struct {
		BulkMaxSize      int           `config:"bulk_max_size"`
		Worker           int           `config:"worker"`
		CompressionLevel int           `config:"compression_level"`
		IdleTimeout      time.Duration `config:"idle_connection_timeout"`
		BackoffMax       time.Duration `config:"backoff.max"`
	}
	require.NoError(t, cfg.Unpack(&typed), "the fitted settings unpack with their types")
	return preset, queue, map[string]any{"bulk_max_size": typed.BulkMaxSize, "worker": typed.Worker,
		"compression_level": typed.CompressionLevel, "idle_connection_timeout": typed.IdleTimeout, "backoff.max": typed.BackoffMax}
}

func TestOutputFitsPresetsThatWaitTooLong(t *testing.T) {
	for _, tc := range []struct {
		preset  string
		from    time.Duration
		workers int
	}{{"balanced", 10 * time.Second, 1}, {"throughput", 5 * time.Second, 4}, {"scale", 20 * time.Second, 1}} {
		t.Run(tc.preset, func(t *testing.T) {
			// The output's own queue block is one the preset drops.
			output := outputConfig(t, "elasticsearch:\n  hosts: [http://es:9200]\n  preset: "+tc.preset+
				"\n  queue.mem.events: 9000\n")
			_, before, want := effective(t, outputConfig(t, "elasticsearch:\n  preset: "+tc.preset+"\n"))
			require.Equal(t, tc.from, before.FlushTimeout)

			fit, err := Output(output, true)
			require.NoError(t, err)
			require.NotNil(t, fit)
			assert.Equal(t, "elasticsearch", fit.Output)
			assert.Equal(t, tc.preset, fit.Preset)
			assert.Equal(t, tc.from, fit.From)

			fitted, err := fit.Apply(output)
			require.NoError(t, err)
			preset, queue, got := effective(t, fitted)
			assert.Equal(t, "custom", preset, "libbeat does not apply the preset again")
			assert.Equal(t, time.Duration(0), queue.FlushTimeout)
			assert.Equal(t, before.Events, queue.Events, "the preset's queue size stays")
			assert.Equal(t, before.MaxGetRequest, queue.MaxGetRequest, "the preset's batch size stays")
			assert.Equal(t, want, got, "every other setting of the preset stays")
			assert.Equal(t, tc.workers, got["worker"])
			hosts, err := fitted.String("elasticsearch.hosts", 0)
			require.NoError(t, err)
			assert.Equal(t, "http://es:9200", hosts, "the user's settings stay")

			// The fit leaves the config libbeat holds alone.
			p, err := output.String("elasticsearch.preset", -1)
			require.NoError(t, err)
			assert.Equal(t, tc.preset, p)
			again, err := Output(fitted, true)
			require.NoError(t, err)
			assert.Nil(t, again, "a fitted output needs no further fit")

			assert.Contains(t, fit.String(), `output.elasticsearch.preset "`+tc.preset+`" sets queue.mem.flush.timeout `+tc.from.String())
			assert.Contains(t, fit.String(), "queue.mem.flush.timeout 0s")
			assert.Contains(t, fit.String(), "bulk_max_size 1600")
			assert.Contains(t, fit.Overwrites(), "output.elasticsearch.preset=custom")
			assert.Contains(t, fit.Overwrites(), "output.elasticsearch.queue.mem.flush.timeout=0s")
		})
	}
}

func TestOutputLeavesWhatFits(t *testing.T) {
	for name, tc := range map[string]struct {
		yaml         string
		queueDefault bool
	}{
		"latency preset (1 s)":          {"elasticsearch:\n  preset: latency\n", true},
		"custom, flush.timeout 0s":      {"elasticsearch:\n  preset: custom\n  queue.mem.flush.timeout: 0s\n", true},
		"explicit 500ms":                {"logstash:\n  hosts: [ls:5044]\n  queue.mem.flush.timeout: 500ms\n", true},
		"disk queue":                    {"elasticsearch:\n  queue.disk.max_size: 1GB\n", true},
		"standalone, no output queue":   {"elasticsearch:\n  hosts: [es]\n", false},
		"standalone, custom, no queue":  {"elasticsearch:\n  preset: custom\n", false},
		"no output":                     {"", true},
		"disabled output":               {"elasticsearch:\n  enabled: false\n  preset: balanced\n", true},
		"preset only on elasticsearch:": {"kafka:\n  preset: balanced\n  queue.mem.flush.timeout: 0s\n", true},
	} {
		t.Run(name, func(t *testing.T) {
			fit, err := Output(outputConfig(t, tc.yaml), tc.queueDefault)
			require.NoError(t, err)
			assert.Nil(t, fit)
		})
	}
}

func TestOutputFitsQueuesThatWaitTooLong(t *testing.T) {
	// Under the Agent an output without a queue gets the memory queue's
	// default (10 s): there is no top-level queue to fall back on.
	fit, err := Output(outputConfig(t, "logstash:\n  hosts: [ls:5044]\n"), true)
	require.NoError(t, err)
	require.NotNil(t, fit)
	assert.Equal(t, "", fit.Preset)
	assert.Equal(t, 10*time.Second, fit.From)
	assert.Equal(t, [][2]string{{"queue.mem.flush.timeout", "0s"}}, fit.Settings)
	assert.Contains(t, fit.String(), "output.logstash's memory queue flushes after 10s")

	// An explicit timeout is replaced, the rest of the queue kept.
	output := outputConfig(t, "elasticsearch:\n  preset: custom\n  queue.mem: {events: 5000, flush.timeout: 3s}\n")
	fit, err = Output(output, false)
	require.NoError(t, err)
	require.NotNil(t, fit)
	assert.Equal(t, 3*time.Second, fit.From)
	fitted, err := fit.Apply(output)
	require.NoError(t, err)
	_, queue, _ := effective(t, fitted)
	assert.Equal(t, 5000, queue.Events)
	assert.Equal(t, time.Duration(0), queue.FlushTimeout)
}

func TestOutputNamesABadPreset(t *testing.T) {
	_, err := Output(outputConfig(t, "elasticsearch:\n  preset: balnced\n"), true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output.elasticsearch.preset")
	assert.Contains(t, err.Error(), "balnced")
}

func TestReloaderFitsTheUpdateBeforeLibbeatBuildsTheOutput(t *testing.T) {
	var got *config.C
	next := reload.ReloadableFunc(func(u *reload.ConfigWithMeta) error {
		if u != nil {
			got = u.Config
		}
		return nil
	})
	r := &reloader{next: next, log: logp.NewNopLogger()}
	update := &reload.ConfigWithMeta{Config: outputConfig(t, "elasticsearch:\n  hosts: [es]\n  preset: balanced\n")}
	require.NoError(t, r.Reload(update))
	require.Same(t, update.Config, got, "the next reloader sees the fitted config")
	_, queue, _ := effective(t, update.Config)
	assert.Equal(t, time.Duration(0), queue.FlushTimeout, "libbeat builds the output from the fitted update")

	require.NoError(t, r.Reload(nil), "an output being stopped passes through")
	require.NoError(t, (&reloader{log: logp.NewNopLogger()}).Reload(update), "no reloader of Filebeat's own")
	assert.Error(t, r.Reload(&reload.ConfigWithMeta{Config: outputConfig(t, "elasticsearch:\n  preset: nope\n")}))
}

func TestCreatorRefusesAStandaloneOutputItCouldNotFit(t *testing.T) {
	var ns config.Namespace
	require.NoError(t, outputConfig(t, "elasticsearch:\n  hosts: [es]\n  preset: balanced\n").Unpack(&ns))
	b := &beat.Beat{Info: beat.Info{Logger: logp.NewNopLogger()}, Config: &beat.BeatConfig{Output: ns}}
	created := false
	inner := func(*beat.Beat, *config.C) (beat.Beater, error) { created = true; return nil, nil }
	_, err := Creator(inner)(b, config.NewConfig())
	require.Error(t, err)
	assert.False(t, created)
	assert.Contains(t, err.Error(), "output.elasticsearch.preset: ")
	assert.Contains(t, err.Error(), "output.elasticsearch.preset=custom")
	assert.Contains(t, err.Error(), "ack_timeout")

	// An output that fits starts, with the reloader in place for the Agent.
	var latency config.Namespace
	require.NoError(t, outputConfig(t, "elasticsearch:\n  hosts: [es]\n  preset: latency\n").Unpack(&latency))
	b.Config.Output = latency
	_, err = Creator(inner)(b, config.NewConfig())
	require.NoError(t, err)
	assert.True(t, created)
	assert.IsType(t, &reloader{}, b.OutputConfigReloader)
}

// A standalone output that refers to another part of the config (the way
// filebeat.yml writes output.file.path: ${path.data}/out) is read where it
// stands in the Beat's config: it starts, or is refused for its preset, not
// for a reference that no longer resolves.
func TestCreatorReadsAnOutputThatRefersToTheRestOfTheConfig(t *testing.T) {
	creator := func(yaml string) error {
		var bc beat.BeatConfig
		require.NoError(t, outputConfig(t, "path.data: /var/lib/zoombeat\n"+yaml).Unpack(&bc))
		b := &beat.Beat{Info: beat.Info{Logger: logp.NewNopLogger()}, Config: &bc}
		_, err := Creator(func(*beat.Beat, *config.C) (beat.Beater, error) { return nil, nil })(b, config.NewConfig())
		return err
	}
	require.NoError(t, creator("output.file.path: ${path.data}/out\n"))
	err := creator("output.elasticsearch:\n  hosts: ['${path.data}']\n  preset: balanced\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output.elasticsearch.preset: ")
}
