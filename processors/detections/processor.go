// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package detections is the zoom_detections processor: it evaluates
// zoombeat's Sigma rules (rules/*.yml) on the documents the zoom processor
// wrote, and marks the matching ones with rule.*, threat.* and the
// "detection" tag. Opt-in, after the zoom processor:
//
//	processors:
//	  - zoom: ~
//	  - zoom_detections: ~
package detections

import (
	"context"
	"fmt"
	"io/fs"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bradleyjkemp/sigma-go"
	"github.com/bradleyjkemp/sigma-go/evaluator"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"
	"github.com/elastic/beats/v7/libbeat/processors/checks"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/configkeys"
	"github.com/zoombeat/zoombeat/rules"
)

// Name is the processor's name in configurations.
const Name = "zoom_detections"

func init() {
	// A misspelt option is an error naming it, and `when` works as with
	// libbeat's own processors.
	processors.RegisterPlugin(Name, processors.NewConditional(
		checks.ConfigChecked(New, configkeys.Known(&config{}, "when"))))
}

// arrayFields are the document's list fields that rules may test: the
// evaluator compares each element.
var arrayFields = []string{"event.category", "event.type", "related.user", "related.ip", "tags", "zoom.meeting.issues", "zoom.webinar.issues"}

type rule struct {
	sigma.Rule
	eval *evaluator.RuleEvaluator
}

type processor struct {
	rules    []rule
	counts   *windowCounter
	networks *networkMemory
	public   *publicRecordings
}

// New builds the processor from its configuration.
func New(c *conf.C, _ *logp.Logger) (beat.Processor, error) {
	cfg := defaultConfig()
	if err := c.Unpack(&cfg); err != nil {
		return nil, fmt.Errorf("%s processor: %w", Name, err)
	}
	return newProcessor(cfg)
}

var timeframeRE = regexp.MustCompile(`(?m)^  timeframe:\s*(\S+)\s*\n`)

// LoadRules parses every rule of rules/.
func LoadRules() ([]sigma.Rule, error) {
	files, err := loadRuleFiles()
	if err != nil {
		return nil, err
	}
	out := make([]sigma.Rule, len(files))
	for i, f := range files {
		out[i] = f.rule
	}
	return out, nil
}

// ruleFile is a rule with the name of its file in rules/.
type ruleFile struct {
	name string
	rule sigma.Rule
}

// loadRuleFiles parses every rule file, in the order of their names.
func loadRuleFiles() ([]ruleFile, error) {
	names, err := fs.Glob(rules.FS, "*.yml")
	if err != nil {
		return nil, err
	}
	var out []ruleFile
	for _, n := range names {
		b, err := rules.FS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		// sigma-go v0.6.6 decodes detection.timeframe from the whole
		// detection map, which fails; take it out and set it ourselves.
		var timeframe time.Duration
		if m := timeframeRE.FindSubmatchIndex(b); m != nil {
			if timeframe, err = time.ParseDuration(string(b[m[2]:m[3]])); err != nil {
				return nil, fmt.Errorf("rules/%s: timeframe: %w", n, err)
			}
			b = append(b[:m[0]:m[0]], b[m[1]:]...)
		}
		r, err := sigma.ParseRule(b)
		if err != nil {
			return nil, fmt.Errorf("rules/%s: %w", n, err)
		}
		r.Detection.Timeframe = timeframe
		if r.ID == "" || r.Title == "" || r.Level == "" {
			return nil, fmt.Errorf("rules/%s: a rule needs an id, a title and a level", n)
		}
		out = append(out, ruleFile{name: n, rule: r})
	}
	return out, nil
}

func newProcessor(cfg config) (*processor, error) {
	all, err := LoadRules()
	if err != nil {
		return nil, err
	}
	p := &processor{counts: newWindowCounter(maxCountKeys), networks: newNetworkMemory(cfg), public: newPublicRecordings()}
	mappings := map[string]sigma.FieldMapping{}
	for _, f := range arrayFields {
		mappings[f] = sigma.FieldMapping{TargetNames: []string{f}}
	}
	// Names for aggregations, whose grammar takes no dotted field names.
	mappings["actor"] = sigma.FieldMapping{TargetNames: []string{"user.email"}}
	config := sigma.Config{FieldMappings: mappings}
	for _, r := range all {
		if len(cfg.Rules) > 0 && !slices.Contains(cfg.Rules, r.ID) && !slices.Contains(cfg.Rules, r.Title) {
			continue
		}
		timeframe := r.Detection.Timeframe
		p.rules = append(p.rules, rule{Rule: r, eval: evaluator.ForRule(r,
			evaluator.WithConfig(config),
			evaluator.CountImplementation(func(ctx context.Context, key evaluator.GroupedByValues) (float64, error) {
				return float64(p.counts.add(r.ID+key.Key(), eventTime(ctx), timeframe)), nil
			}),
		)})
	}
	if len(p.rules) == 0 {
		return nil, fmt.Errorf("%s processor: no rule matches rules: %v", Name, cfg.Rules)
	}
	return p, nil
}

func (p *processor) String() string { return fmt.Sprintf("%s=[rules=%d]", Name, len(p.rules)) }

type timeKey struct{}

func eventTime(ctx context.Context) time.Time {
	t, _ := ctx.Value(timeKey{}).(time.Time)
	return t
}

// Run evaluates every rule on the event. It never drops an event, and a
// rule that cannot be evaluated is skipped, not fatal.
func (p *processor) Run(ev *beat.Event) (*beat.Event, error) {
	p.networks.annotate(ev)
	p.public.annotate(ev)
	flat := map[string]any(ev.Fields.Flatten())
	flat["@timestamp"] = ev.Timestamp
	ctx := context.WithValue(context.Background(), timeKey{}, ev.Timestamp)
	var matched []rule
	for _, r := range p.rules {
		res, err := r.eval.Matches(ctx, flat)
		if err == nil && res.Match {
			matched = append(matched, r)
			if r.ID == publicRecordingRule {
				p.public.remember(ev)
			}
		}
	}
	if len(matched) > 0 {
		mark(ev.Fields, matched)
	}
	return ev, nil
}

// mark adds rule.*, threat.* and the detection tag for the matched rules.
func mark(fields mapstr.M, matched []rule) {
	var names, ids, descriptions, tacticIDs, tacticNames, techniqueIDs, techniqueNames []string
	for _, r := range matched {
		names = append(names, r.Title)
		ids = append(ids, r.ID)
		descriptions = append(descriptions, strings.TrimSpace(r.Description))
		for _, a := range attackTags(r.Tags) {
			if a.tactic {
				tacticIDs = appendNew(tacticIDs, a.id)
				tacticNames = appendNew(tacticNames, a.name)
			} else {
				techniqueIDs = appendNew(techniqueIDs, a.id)
				techniqueNames = appendNew(techniqueNames, a.name)
			}
		}
	}
	_, _ = fields.Put("rule.name", names)
	_, _ = fields.Put("rule.id", ids)
	_, _ = fields.Put("rule.description", descriptions)
	_, _ = fields.Put("rule.ruleset", "zoombeat")
	_, _ = fields.Put("rule.author", []string{"zoombeat"})
	_, _ = fields.Put("threat.framework", "MITRE ATT&CK")
	_, _ = fields.Put("threat.tactic.id", tacticIDs)
	_, _ = fields.Put("threat.tactic.name", tacticNames)
	_, _ = fields.Put("threat.technique.id", techniqueIDs)
	_, _ = fields.Put("threat.technique.name", techniqueNames)
	_ = mapstr.AddTags(fields, []string{"detection"})
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// attackTag is a MITRE ATT&CK tactic or technique that a rule's tags name.
type attackTag struct {
	id, name string
	tactic   bool
}

// attackTags are the tactics and techniques among a rule's tags
// (attack.persistence, attack.t1098), in the tags' order; tags of neither
// list are left out.
func attackTags(tags []string) []attackTag {
	var out []attackTag
	for _, tag := range tags {
		t, ok := strings.CutPrefix(tag, "attack.")
		if !ok {
			continue
		}
		if tac, ok := tactics[t]; ok {
			out = append(out, attackTag{id: tac.id, name: tac.name, tactic: true})
		} else if tech, ok := techniques[strings.ToUpper(t)]; ok {
			out = append(out, attackTag{id: strings.ToUpper(t), name: tech})
		}
	}
	return out
}

// tactics and techniques name the MITRE ATT&CK tags the rules use.
var tactics = map[string]struct{ id, name string }{
	"reconnaissance":       {"TA0043", "Reconnaissance"},
	"initial-access":       {"TA0001", "Initial Access"},
	"persistence":          {"TA0003", "Persistence"},
	"privilege-escalation": {"TA0004", "Privilege Escalation"},
	"defense-evasion":      {"TA0005", "Defense Evasion"},
	"credential-access":    {"TA0006", "Credential Access"},
	"collection":           {"TA0009", "Collection"},
	"exfiltration":         {"TA0010", "Exfiltration"},
	"impact":               {"TA0040", "Impact"},
}

var techniques = map[string]string{
	"T1078": "Valid Accounts",
	"T1070": "Indicator Removal",
	"T1098": "Account Manipulation",
	"T1213": "Data from Information Repositories",
	"T1485": "Data Destruction",
	"T1528": "Steal Application Access Token",
	"T1530": "Data from Cloud Storage",
	"T1531": "Account Access Removal",
	"T1556": "Modify Authentication Process",
	"T1562": "Impair Defenses",
	"T1567": "Exfiltration Over Web Service",

	"T1593.001": "Search Open Websites/Domains: Social Media",
}

// windowCounter counts events per key within a sliding timeframe, for the
// rules' count() aggregations. Its memory is bounded: a key's times are those
// within its timeframe, a key whose newest event left the timeframe (behind
// the newest event seen of any key) is dropped, and at most maxCountKeys keys
// are kept, the least recently counted going first.
type windowCounter struct {
	mu     sync.Mutex
	keys   *lru.Cache[string, *window]
	newest time.Time // the newest event time counted, of any key
}

// maxCountKeys bounds the keys counted at once (rule and group, e.g. an
// operator): far more than the operators an account has.
const maxCountKeys = 100000

// window holds a key's event times within its timeframe, oldest first.
type window struct {
	times     []time.Time
	timeframe time.Duration
}

func (w *window) expired(now time.Time) bool {
	return len(w.times) == 0 || now.Sub(w.times[len(w.times)-1]) > w.timeframe
}

func newWindowCounter(maxKeys int) *windowCounter {
	keys, err := lru.New[string, *window](maxKeys)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &windowCounter{keys: keys}
}

func (c *windowCounter) add(key string, t time.Time, timeframe time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.newest) {
		c.newest = t
	}
	w, ok := c.keys.Get(key)
	if !ok {
		w = &window{timeframe: timeframe}
		c.keys.Add(key, w)
	}
	// Events come mostly in order: the insertion point is nearly always the
	// end, found without sorting.
	i := sort.Search(len(w.times), func(i int) bool { return w.times[i].After(t) })
	w.times = slices.Insert(w.times, i, t)
	if timeframe > 0 {
		last := w.times[len(w.times)-1]
		from := sort.Search(len(w.times), func(i int) bool { return last.Sub(w.times[i]) <= timeframe })
		if from > 0 {
			// A fresh slice, so that the dropped times' array is freed.
			w.times = append([]time.Time(nil), w.times[from:]...)
		}
	}
	n := len(w.times)
	// Drop the least recently counted keys whose timeframe has passed;
	// each add removes what it finds, so the work is spread over adds.
	for {
		oldKey, old, ok := c.keys.GetOldest()
		if !ok || old.timeframe <= 0 || !old.expired(c.newest) || oldKey == key {
			break
		}
		c.keys.RemoveOldest()
	}
	return n
}

// networkMemory remembers the networks each user signed in from, and marks
// a sign-in from a network new for a user with a known network:
// zoom.detection.new_source_network. It lives in memory: a restart forgets.
// At most max_users users are remembered, the least recently seen forgotten
// first, and per user the maxUserNetworks most recently seen networks.
type networkMemory struct {
	mu     sync.Mutex
	v4, v6 int
	users  *lru.Cache[string, []netip.Prefix] // each most recently seen first
}

// maxUserNetworks bounds the networks remembered per user: a user signs in
// from a few (home, office, mobile); a short list, most recent first, is
// smaller and faster than a map or an LRU per user.
const maxUserNetworks = 16

func newNetworkMemory(cfg config) *networkMemory {
	users, err := lru.New[string, []netip.Prefix](cfg.NewNetwork.MaxUsers)
	if err != nil {
		panic(err) // Validate keeps max_users positive
	}
	return &networkMemory{v4: cfg.NewNetwork.IPv4Prefix, v6: cfg.NewNetwork.IPv6Prefix, users: users}
}

func (n *networkMemory) annotate(ev *beat.Event) {
	if a, _ := ev.Fields.GetValue("event.action"); a != "user.signed_in" {
		return
	}
	user, _ := ev.Fields.GetValue("user.email")
	if user == nil || user == "" {
		user, _ = ev.Fields.GetValue("user.id")
	}
	ipv, _ := ev.Fields.GetValue("source.ip")
	u, _ := user.(string)
	s, _ := ipv.(string)
	ip, err := netip.ParseAddr(s)
	if u == "" || err != nil {
		return
	}
	bits := n.v6
	if ip.Unmap().Is4() {
		ip, bits = ip.Unmap(), n.v4
	}
	prefix, _ := ip.Prefix(bits)
	if n.signIn(strings.ToLower(u), prefix) {
		_, _ = ev.Fields.Put("zoom.detection.new_source_network", true)
	}
}

// signIn records a sign-in of user from network, and reports whether the
// network is new for a user already known.
func (n *networkMemory) signIn(user string, network netip.Prefix) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	nets, known := n.users.Get(user) // Get makes the user the most recently seen
	i := slices.Index(nets, network)
	switch {
	case i == 0:
		return false
	case i > 0:
		nets = slices.Insert(slices.Delete(nets, i, i+1), 0, network)
	default:
		if len(nets) == maxUserNetworks {
			nets = nets[:maxUserNetworks-1]
		}
		nets = slices.Insert(nets, 0, network)
	}
	n.users.Add(user, nets)
	return known && i < 0
}
