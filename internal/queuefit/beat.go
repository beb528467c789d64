// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package queuefit

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
)

// standalone is the fit Standalone applied, logged once the Beat has a logger.
var standalone *Fit

// Standalone fits the output of a standalone Filebeat's config (filebeat.yml
// and -E), before libbeat builds the pipeline: libbeat creates the queue once,
// from the first output, before the Beat's creator runs, so the fit has to be
// in the config it loads. It goes in as -E settings, the highest-precedence
// layer, which `filebeat export config` shows. Call it once the command line
// is parsed (the root command's PersistentPreRun). Under Elastic Agent the
// output comes later, as a unit, and Creator's reloader fits it.
//
// A config that does not load is left alone: libbeat reports the same error
// when it loads it. A preset that only resolves later (from the keystore) is
// caught by Creator's check.
func Standalone() {
	cfg, err := cfgfile.Load("", nil)
	if err != nil {
		return
	}
	if enabled, _ := cfg.Bool("management.enabled", -1); enabled {
		return
	}
	output, err := cfg.Child("output", -1)
	if err != nil {
		return
	}
	fit, err := Output(output, false)
	if err != nil || fit == nil {
		return
	}
	overwrite := flag.CommandLine.Lookup("E")
	if overwrite == nil {
		return
	}
	for _, s := range fit.Overwrites() {
		if err := overwrite.Value.Set(s); err != nil {
			return
		}
	}
	standalone = fit
}

// Creator wraps the Beat's creator. Under Elastic Agent it fits each output
// unit before libbeat builds the output from it: libbeat hands every output
// update to beat.Beat.OutputConfigReloader first (MakeOutputReloader in
// libbeat/cmd/instance/beat.go), and the reloader replaces the update's config.
// The Agent restarts the Beat when the output changes
// (management.restart_on_output_change in the component spec), and libbeat
// skips an unchanged output, so the fit is logged once per output change.
//
// Filebeat sets OutputConfigReloader itself only with the Elasticsearch state
// store of agentless deployments (AGENTLESS_ELASTICSEARCH_STATE_STORE_INPUT_TYPES),
// which zoombeat's inputs do not use; the reloader is set here, before that,
// and is called first.
//
// A standalone Beat whose output still needs a fit (Standalone could not read
// it) does not start: it names the setting, what to set instead and why.
func Creator(inner beat.Creator) beat.Creator {
	return func(b *beat.Beat, cfg *config.C) (beat.Beater, error) {
		log := b.Info.Logger.Named("queuefit")
		if b.Manager == nil || !b.Manager.Enabled() {
			if err := checkStandalone(b, log); err != nil {
				return nil, err
			}
		}
		bt, err := inner(b, cfg)
		if err != nil {
			return nil, err
		}
		b.OutputConfigReloader = &reloader{next: b.OutputConfigReloader, log: log}
		return bt, nil
	}
}

func checkStandalone(b *beat.Beat, log *logp.Logger) error {
	if standalone != nil {
		log.Info(standalone.String())
	}
	if b.Config == nil || !b.Config.Output.IsSet() {
		return nil
	}
	// The output's values are resolved where they stand: re-rooted as they
	// are, a reference to another part of the config (output.file.path:
	// ${path.data}/out) would no longer resolve.
	values := map[string]any{}
	if err := b.Config.Output.Config().Unpack(&values); err != nil {
		return fmt.Errorf("output.%s: %w", b.Config.Output.Name(), err)
	}
	output, err := config.NewConfigFrom(map[string]any{b.Config.Output.Name(): values})
	if err != nil {
		return err
	}
	fit, err := Output(output, false)
	if err != nil || fit == nil {
		return err
	}
	setting := fmt.Sprintf("output.%s.queue.mem.flush.timeout", fit.Output)
	if fit.Preset != "" {
		setting = fmt.Sprintf("output.%s.preset", fit.Output)
	}
	return fmt.Errorf("%s: %s. zoombeat could not apply that before Filebeat made its queue (is the setting read from the keystore?): "+
		"set %s instead", setting, fit, strings.Join(fit.Overwrites(), " "))
}

// reloader fits an output update and hands it on.
type reloader struct {
	next reload.Reloadable
	log  *logp.Logger
}

func (r *reloader) Reload(update *reload.ConfigWithMeta) error {
	if update != nil && update.Config != nil {
		fit, err := Output(update.Config, true)
		if err != nil {
			return err
		}
		if fit != nil {
			fitted, err := fit.Apply(update.Config)
			if err != nil {
				return errors.Join(errors.New("fitting the output's queue"), err)
			}
			update.Config = fitted
			r.log.Info(fit.String())
		}
	}
	if r.next != nil {
		return r.next.Reload(update)
	}
	return nil
}
