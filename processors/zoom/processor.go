// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package zoom is the `zoom` processor: it maps a Zoom webhook notification,
// as the zoom_webhook input publishes it, onto ECS and the zoom.* fields that
// the zoom module declares. It runs inside the Beat, so every output gets
// ECS documents:
//
//	processors:
//	  - zoom: ~                      # or {redact_secrets: false}
//	  - zoom:
//	      pseudonymize: {enabled: true, key: "${ZOOM_PSEUDONYM_KEY}", keep_domain: true}
package zoom

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"
	"github.com/elastic/beats/v7/libbeat/processors/checks"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/internal/configkeys"
	"github.com/zoombeat/zoombeat/internal/contract"
	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
)

// Name is the processor's name in configurations.
const Name = "zoom"

// ECSVersion is the ECS version the documents follow.
const ECSVersion = "8.17.0"

func init() {
	// A misspelt option is an error naming it, and `when` works as with
	// libbeat's own processors.
	processors.RegisterPlugin(Name, processors.NewConditional(
		checks.ConfigChecked(New, configkeys.Known(&config{}, "when"))))
}

type processor struct {
	cfg        config
	tree       *fieldTree     // the schema as a tree, for the mapping
	taxonomy   Taxonomy       // webhook event names
	operations Taxonomy       // operation log category types and actions
	pseudo     *pseudonymizer // nil unless pseudonymize.enabled
	now        func() time.Time
}

// New builds the processor from its configuration.
func New(c *conf.C, _ *logp.Logger) (beat.Processor, error) {
	cfg := defaultConfig()
	if err := c.Unpack(&cfg); err != nil {
		return nil, fmt.Errorf("%s processor: %w", Name, err)
	}
	return newProcessor(cfg)
}

func newProcessor(cfg config) (*processor, error) {
	schema, err := zoommodule.LoadSchema()
	if err != nil {
		return nil, err
	}
	taxonomy, err := LoadTaxonomy()
	if err != nil {
		return nil, err
	}
	operations, err := LoadOperationTaxonomy()
	if err != nil {
		return nil, err
	}
	p := &processor{cfg: cfg, tree: newFieldTree(schema), taxonomy: taxonomy, operations: operations, now: time.Now}
	if cfg.Pseudonymize.Enabled {
		p.pseudo = newPseudonymizer(cfg.Pseudonymize)
	}
	return p, nil
}

func (p *processor) String() string {
	return fmt.Sprintf("%s=[field=%s, redact_secrets=%t]", Name, p.cfg.Field, p.cfg.RedactSecrets)
}

// Run maps the event in place. Events that carry no Zoom notification in the
// configured field pass through untouched, so the processor is safe to run on
// every event of a pipeline. A notification is never dropped: values the
// mapping cannot place go to zoom.unmapped, and shape errors are reported in
// error.message with event.kind: pipeline_error.
func (p *processor) Run(ev *beat.Event) (*beat.Event, error) {
	rawV, err := ev.Fields.GetValue(p.cfg.Field)
	if err != nil {
		return ev, nil
	}
	body, ok := asMap(rawV)
	if !ok {
		return ev, nil
	}
	if report, _ := body[contract.EnvelopeReport].(string); reportMappings[report].mapEntry != nil {
		_ = ev.Fields.Delete(p.cfg.Field)
		p.mapReport(ev, report, body)
	} else if name, ok := body["event"].(string); ok && name != "" {
		_ = ev.Fields.Delete(p.cfg.Field)
		p.mapNotification(ev, name, body)
	} else {
		return ev, nil // not a notification (or already mapped)
	}
	if p.cfg.RedactSecrets {
		// preserve_original_event keeps the body as it came; it is masked by
		// the same rules as the mapped fields (the event's id was computed
		// from the raw body before, so it does not change).
		if orig, err := ev.Fields.GetValue("event.original"); err == nil {
			if s, ok := orig.(string); ok {
				_, _ = ev.Fields.Put("event.original", redactJSON(s))
			}
		}
	}
	if p.pseudo != nil {
		p.pseudo.apply(ev.Fields)
	}
	return ev, nil
}

func (p *processor) mapNotification(ev *beat.Event, name string, body map[string]any) {
	family, _, _ := strings.Cut(name, ".")
	family = cmp.Or(familyGroups[family], family)
	m := p.newMapping(ev)
	defer releaseMapping(m)

	p.common(m, ev, contract.Dataset(zoommodule.WebhookFileset), name, p.taxonomy, name)
	m.set("observer.product", "Webhook")
	created, _ := m.time("event.created")

	ev.Timestamp = created
	if ts, ok := body["event_ts"]; ok {
		if t, err := toTime(ts); err == nil {
			ev.Timestamp = t
		} else {
			m.fail("@timestamp", "event_ts", ts, err)
		}
	}

	m.placeNotification(body, family)
	m.ecs(name, family)
	m.finish()
}
