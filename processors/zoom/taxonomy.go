// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v2"
)

var (
	//go:embed events.yml
	eventsYAML []byte
	//go:embed operations.yml
	operationsYAML []byte
)

// Category is the ECS categorisation of one Zoom event name.
type Category struct {
	Category []string `yaml:"category"`
	Type     []string `yaml:"type"`
	Outcome  string   `yaml:"outcome"`
	// Kind is event.kind when it is not "event": "alert" for what Zoom
	// itself reports as a security finding (meeting.risk_alert).
	Kind string `yaml:"kind"`
}

// Taxonomy maps Zoom event names (or "*.suffix" patterns) to ECS categories.
type Taxonomy map[string]Category

// LoadTaxonomy parses events.yml (webhook event names) and checks every
// entry against ECS.
func LoadTaxonomy() (Taxonomy, error) { return loadTaxonomy("events.yml", eventsYAML) }

// LoadOperationTaxonomy parses operations.yml (operation log
// "<category_type>.<action>" keys) and checks every entry against ECS.
func LoadOperationTaxonomy() (Taxonomy, error) {
	return loadTaxonomy("operations.yml", operationsYAML)
}

func loadTaxonomy(name string, data []byte) (Taxonomy, error) {
	var t Taxonomy
	if err := yaml.UnmarshalStrict(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []string
	for name, c := range t {
		if err := c.Validate(); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("%s is not ECS-legal: %s", name, strings.Join(errs, "; "))
	}
	return t, nil
}

// Lookup returns the category of a name "prefix.suffix": the exact entry,
// else "prefix.*", else "*.suffix", else "*_verb" for the verb the name ends
// with (whiteboard.created, team_chat.channel_deleted), which says what
// happened even of an event that no entry describes.
func (t Taxonomy) Lookup(name string) (Category, bool) {
	if c, ok := t[name]; ok {
		return c, true
	}
	prefix, suffix, ok := strings.Cut(name, ".")
	if !ok {
		return Category{}, false
	}
	if c, ok := t[prefix+".*"]; ok {
		return c, true
	}
	if c, ok := t["*."+suffix]; ok {
		return c, true
	}
	c, ok := t["*_"+name[strings.LastIndexAny(name, "._")+1:]]
	return c, ok
}

// ecsTypesByCategory are the event.type values ECS expects with each
// event.category (ECS 8.x, "expected_event_types").
var ecsTypesByCategory = map[string][]string{
	"api":                 {"access", "admin", "allowed", "change", "creation", "deletion", "denied", "end", "info", "start", "user"},
	"authentication":      {"start", "end", "info"},
	"configuration":       {"access", "change", "creation", "deletion", "info"},
	"database":            {"access", "change", "info", "error"},
	"driver":              {"change", "end", "info", "start"},
	"email":               {"info"},
	"file":                {"access", "change", "creation", "deletion", "info"},
	"host":                {"access", "change", "end", "info", "start"},
	"iam":                 {"admin", "change", "creation", "deletion", "group", "info", "user"},
	"intrusion_detection": {"allowed", "denied", "info"},
	"library":             {"start"},
	"malware":             {"info"},
	"network":             {"access", "allowed", "connection", "denied", "end", "info", "protocol", "start"},
	"package":             {"access", "change", "deletion", "info", "installation", "start"},
	"process":             {"access", "change", "end", "info", "start"},
	"registry":            {"access", "change", "creation", "deletion"},
	"session":             {"start", "end", "info"},
	"threat":              {"indicator"},
	"vulnerability":       {"info"},
	"web":                 {"access", "error", "info"},
}

var ecsOutcomes = []string{"success", "failure", "unknown"}

// ecsKinds are the event.kind values a taxonomy entry may set.
var ecsKinds = []string{"alert", "event", "signal"}

// Validate checks that every type is one ECS expects with every category.
func (c Category) Validate() error {
	if len(c.Category) == 0 || len(c.Type) == 0 {
		return fmt.Errorf("needs at least one category and one type")
	}
	for _, cat := range c.Category {
		allowed, ok := ecsTypesByCategory[cat]
		if !ok {
			return fmt.Errorf("event.category %q is not an ECS category", cat)
		}
		for _, typ := range c.Type {
			if !slices.Contains(allowed, typ) {
				return fmt.Errorf("event.type %q is not allowed with event.category %q (ECS allows %v)", typ, cat, allowed)
			}
		}
	}
	if c.Outcome != "" && !slices.Contains(ecsOutcomes, c.Outcome) {
		return fmt.Errorf("event.outcome %q is not an ECS outcome", c.Outcome)
	}
	if c.Kind != "" && !slices.Contains(ecsKinds, c.Kind) {
		return fmt.Errorf("event.kind %q is not one of %v", c.Kind, ecsKinds)
	}
	return nil
}
