// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package detections

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/generated"
	zoomrules "github.com/zoombeat/zoombeat/rules"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

// golden reads a golden document of testing/ as the event the zoom
// processor produced.
func golden(t *testing.T, sample string) *beat.Event {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testing", sample+".expected.json"))
	require.NoError(t, err)
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&doc))
	ts, err := time.Parse(time.RFC3339Nano, doc["@timestamp"].(string))
	require.NoError(t, err)
	delete(doc, "@timestamp")
	return &beat.Event{Timestamp: ts, Fields: toMapStr(doc)}
}

func toMapStr(m map[string]any) mapstr.M {
	out := mapstr.M{}
	for k, v := range m {
		if child, ok := v.(map[string]any); ok {
			out[k] = toMapStr(child)
			continue
		}
		out[k] = v
	}
	return out
}

func mustProcessor(t *testing.T) *processor {
	t.Helper()
	p, err := newProcessor(defaultConfig())
	require.NoError(t, err)
	return p
}

func ruleNames(ev *beat.Event) []string {
	v, _ := ev.Fields.GetValue("rule.name")
	names, _ := v.([]string)
	return names
}

// edit changes fields of a golden document, for near misses.
func edit(ev *beat.Event, changes map[string]any) *beat.Event {
	for k, v := range changes {
		if v == nil {
			_ = ev.Fields.Delete(k)
			continue
		}
		_, _ = ev.Fields.Put(k, v)
	}
	return ev
}

func TestEveryRuleHasItsFields(t *testing.T) {
	rules, err := LoadRules()
	require.NoError(t, err)
	files, err := fs.Glob(zoomrules.FS, "*.yml")
	require.NoError(t, err)
	require.Len(t, rules, len(files), "every rule file is a rule")
	for _, r := range rules {
		assert.NotEmpty(t, r.Description, r.Title)
		assert.NotEmpty(t, r.References, r.Title)
		assert.Contains(t, []string{"low", "medium", "high", "critical"}, r.Level, r.Title)
		assert.NotEmpty(t, r.AdditionalFields["falsepositives"], "%s has known false positives", r.Title)
		hasTactic, hasTechnique := false, false
		for _, tag := range r.Tags {
			name, _ := strings.CutPrefix(tag, "attack.")
			if _, ok := tactics[name]; ok {
				hasTactic = true
			}
			if _, ok := techniques[strings.ToUpper(name)]; ok {
				hasTechnique = true
			}
		}
		assert.True(t, hasTactic && hasTechnique, "%s has MITRE ATT&CK tactic and technique tags", r.Title)
	}
}

func TestRules(t *testing.T) {
	cases := []struct {
		rule     string
		positive *beat.Event
		nearMiss *beat.Event
	}{
		{"Zoom meeting passcode or waiting room requirement disabled",
			golden(t, "webhook/account/account.settings_updated"),
			edit(golden(t, "webhook/account/account.settings_updated"), map[string]any{
				"zoom.settings.security.waiting_room": true, "zoom.settings.security.require_password_for_scheduled_meeting": true,
				"zoom.settings.schedule_meeting.require_password_for_instant_meetings": true})},
		{"Zoom meeting passcode or waiting room requirement disabled",
			golden(t, "reports/operationlogs/account-settings"),
			edit(golden(t, "reports/operationlogs/account-settings"), map[string]any{
				"message": "Update Account Settings - Require a passcode when scheduling new meetings: from Off to On"})},
		{"Zoom meeting passcode or waiting room requirement disabled",
			golden(t, "webhook/meeting/meeting.updated"),
			edit(golden(t, "webhook/meeting/meeting.updated"), map[string]any{"zoom.settings.waiting_room": true, "zoom.meeting.password": "REDACTED"})},
		{"Zoom user granted an admin or owner role",
			golden(t, "reports/operationlogs/role-assign-admin"),
			golden(t, "reports/operationlogs/role-update")},
		{"Zoom user granted an admin or owner role",
			edit(golden(t, "webhook/user/user.updated"), map[string]any{"zoom.user.role_id": "1"}),
			golden(t, "webhook/user/user.updated")}, // role_id 2: Member
		{"Zoom cloud recording sharing made public",
			golden(t, "reports/operationlogs/recording-share-public"),
			golden(t, "reports/operationlogs/recording-delete")},
		{"Zoom account security setting turned off",
			golden(t, "reports/operationlogs/account-settings-json"),
			edit(golden(t, "reports/operationlogs/account-settings-json"), map[string]any{"zoom.operation.detail_json.security.sign_in_with_two_factor_auth": true})},
		{"Zoom meeting link posted publicly",
			golden(t, "webhook/meeting/meeting.risk_alert"),
			golden(t, "webhook/meeting/meeting.updated")},
		// Panther's Zoom rules, on zoombeat's fields: the passcode for new
		// meetings, and two-factor authentication, turned off.
		{"Zoom meeting passcode or waiting room requirement disabled",
			edit(golden(t, "reports/operationlogs/account-settings"), map[string]any{
				"message": "Security  - Require a passcode when scheduling new meetings: from On to Off"}),
			edit(golden(t, "reports/operationlogs/account-settings"), map[string]any{
				"message": "Security  - Require a passcode when scheduling new meetings: from Off to On"})},
		{"Zoom account security setting turned off",
			edit(golden(t, "reports/operationlogs/account-settings"), map[string]any{
				"message": "Security  - Sign in with Two-Factor Authentication: from On to Off"}),
			edit(golden(t, "reports/operationlogs/account-settings"), map[string]any{
				"message": "Security  - Sign in with Two-Factor Authentication: from Off to On"})},
		{"Zoom requirement to secure every meeting with one option turned off",
			golden(t, "reports/operationlogs/account-secure-one-option-off"),
			edit(golden(t, "reports/operationlogs/account-secure-one-option-off"), map[string]any{
				"message": "Security  - Require that all meetings are secured with one security option: from Off to On",
				"zoom.operation.changes.require_that_all_meetings_are_secured_with_one_security_option": map[string]any{"from": "Off", "to": "On"}})},
		{"Zoom automatic sign-out turned off",
			golden(t, "reports/operationlogs/account-auto-signout-off"),
			golden(t, "reports/operationlogs/account-secure-one-option-off")}, // another security setting
		{"Zoom user group passcode setting turned off",
			golden(t, "reports/operationlogs/group-pmi-passcode-off"),
			edit(golden(t, "reports/operationlogs/group-pmi-passcode-off"), map[string]any{
				"message": "Edit Group Finance  - Personal Meeting ID (PMI) Passcode: from Off to On"})},
		{"Zoom sign-in methods changed",
			golden(t, "reports/operationlogs/signin-methods-google"),
			golden(t, "reports/operationlogs/signin-password-requirement")},
		{"Zoom sign-in password requirement weakened",
			golden(t, "reports/operationlogs/signin-password-requirement"),
			edit(golden(t, "reports/operationlogs/signin-password-requirement"), map[string]any{
				"message": "Sign-In Password Requirement  - Include at least 1 number: from Off to On"})},
		{"Zoom single sign-on configuration changed",
			golden(t, "reports/operationlogs/sso-update"),
			golden(t, "reports/operationlogs/account-settings")},
		{"Zoom user's email address changed by an admin",
			golden(t, "reports/operationlogs/user-update-email"),
			golden(t, "reports/operationlogs/user-update-type")},
		{"Zoom Team Chat file shared with an external contact",
			golden(t, "webhook/team_chat/team_chat.file_shared"),
			edit(golden(t, "webhook/team_chat/team_chat.file_shared"), map[string]any{"zoom.team_chat.is_external_user": false})},
		{"Zoom meeting streamed to a custom live streaming service",
			golden(t, "webhook/meeting/meeting.live_streaming_started"),
			edit(golden(t, "webhook/meeting/meeting.live_streaming_started"), map[string]any{"zoom.meeting.live_streaming.service": "YouTube"})},
		{"Zoom meeting passcode or waiting room requirement disabled",
			golden(t, "webhook/group/group.settings_updated"),
			edit(golden(t, "webhook/group/group.settings_updated"), map[string]any{
				"zoom.settings.schedule_meeting.require_password_for_scheduled_meetings": true})},
		{"Zoom user made a user group admin",
			golden(t, "webhook/group/group.admin_added"),
			golden(t, "webhook/group/group.member_added")},
		{"Zoom information barrier policy deleted or weakened",
			golden(t, "webhook/information_barriers/information_barriers.policy_deleted"),
			golden(t, "webhook/information_barriers/information_barriers.policy_created")},
		{"Zoom information barrier policy deleted or weakened",
			golden(t, "webhook/information_barriers/information_barriers.policy_updated"),
			// the same change the other way: file transfer and chat
			// blocked across the barrier (true blocks)
			edit(golden(t, "webhook/information_barriers/information_barriers.policy_updated"), map[string]any{
				"zoom.settings.file_transfer": true, "zoom.settings.im": true,
				"zoom.old_values.settings.file_transfer": false, "zoom.old_values.settings.im": false})},
		{"Zoom information barrier policy deleted or weakened",
			// disabled, its settings unchanged
			edit(golden(t, "webhook/information_barriers/information_barriers.policy_updated"), map[string]any{
				"zoom.settings.file_transfer": true, "zoom.settings.im": true, "zoom.information_barriers.status": 0}),
			edit(golden(t, "webhook/information_barriers/information_barriers.policy_updated"), map[string]any{
				"zoom.settings.file_transfer": true, "zoom.settings.im": true})},
		{"Zoom Calendar shared with everyone or a whole domain",
			golden(t, "webhook/calendar/calendar.acl_update"),  // default: everyone
			golden(t, "webhook/calendar/calendar.acl_create")}, // one user
		{"Zoom Calendar shared with everyone or a whole domain",
			edit(golden(t, "webhook/calendar/calendar.acl_create"), map[string]any{"zoom.calendar.acl_id": "domain:partner.example.org"}),
			// the rule for everyone removed
			edit(golden(t, "webhook/calendar/calendar.acl_delete"), map[string]any{"zoom.calendar.acl_id": "default"})},
		{"New Zoom Marketplace or OAuth app added",
			golden(t, "reports/operationlogs/marketplace-add"),
			edit(golden(t, "reports/operationlogs/marketplace-add"), map[string]any{"zoom.operation.action": "Update", "event.action": "marketplace.update"})},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d %s", i, c.rule), func(t *testing.T) {
			p := mustProcessor(t)
			pos, err := p.Run(c.positive)
			require.NoError(t, err)
			assert.Contains(t, ruleNames(pos), c.rule)
			tags, _ := pos.Fields.GetValue("tags")
			assert.Contains(t, tags, "detection")
			fw, _ := pos.Fields.GetValue("threat.framework")
			assert.Equal(t, "MITRE ATT&CK", fw)
			tech, _ := pos.Fields.GetValue("threat.technique.id")
			assert.NotEmpty(t, tech)

			neg, err := mustProcessor(t).Run(c.nearMiss)
			require.NoError(t, err)
			assert.NotContains(t, ruleNames(neg), c.rule, "near miss")
		})
	}
}

func TestNoRuleFiresOnOrdinaryEvents(t *testing.T) {
	p := mustProcessor(t)
	for _, sample := range []string{"webhook/meeting/meeting.started", "webhook/user/user.signed_in",
		"webhook/meeting/meeting.participant_joined", "reports/operationlogs/user-add", "reports/activities/sign-in-browser"} {
		ev, err := p.Run(golden(t, sample))
		require.NoError(t, err)
		assert.Empty(t, ruleNames(ev), sample)
		_, err = ev.Fields.GetValue("tags")
		assert.Error(t, err, "no detection tag on %s", sample)
	}
}

func TestSignInFromNewNetwork(t *testing.T) {
	p := mustProcessor(t)
	const rule = "Zoom sign-in from a new network for the user"
	signIn := func(ip string) []string {
		ev := edit(golden(t, "reports/activities/sign-in-browser"), map[string]any{"source.ip": ip})
		out, err := p.Run(ev)
		require.NoError(t, err)
		return ruleNames(out)
	}
	assert.NotContains(t, signIn("203.0.113.7"), rule, "the first network of a user is learned, not flagged")
	assert.NotContains(t, signIn("203.0.113.99"), rule, "the same /24")
	assert.Contains(t, signIn("198.51.100.5"), rule, "a new /24")
	assert.NotContains(t, signIn("198.51.100.6"), rule, "known now")
	assert.Contains(t, signIn("2001:db8:1::1"), rule, "a first IPv6 network, new for a user known by IPv4")
	assert.NotContains(t, signIn("2001:db8:1:ff::2"), rule, "the same /48")
	assert.Contains(t, signIn("2001:db8:2::1"), rule, "a new IPv6 /48")

	other := edit(golden(t, "reports/activities/sign-out-windows"), map[string]any{"source.ip": "192.0.2.200"})
	out, _ := p.Run(other)
	assert.NotContains(t, ruleNames(out), rule, "sign-outs are not sign-ins")
}

// rulesAfterSeries runs n events, the i-th made by event(i) and shifted by
// i times spacing, through a fresh processor, and returns the rules the
// last one matched.
func rulesAfterSeries(t *testing.T, n int, spacing time.Duration, event func(i int) *beat.Event) []string {
	t.Helper()
	p := mustProcessor(t)
	var last []string
	for i := range n {
		ev := event(i)
		ev.Timestamp = ev.Timestamp.Add(time.Duration(i) * spacing)
		out, err := p.Run(ev)
		require.NoError(t, err)
		last = ruleNames(out)
	}
	return last
}

// A recording made public and deleted within the window is marked, by the
// meeting id that the operation log's target and the webhook's
// zoom.recording.id share.
func TestPublicRecordingDeleted(t *testing.T) {
	const rule = "Zoom recording made public, then deleted"
	madePublic := time.Date(2024, 11, 23, 8, 15, 0, 0, time.UTC)
	at := func(sample string, d time.Duration) *beat.Event {
		ev := golden(t, sample)
		ev.Timestamp = madePublic.Add(d)
		return ev
	}
	run := func(events ...*beat.Event) []string {
		return rulesAfterSeries(t, len(events), 0, func(i int) *beat.Event { return events[i] })
	}
	share := func() *beat.Event { return at("reports/operationlogs/recording-share-public", 0) }
	assert.Contains(t, run(share(), at("reports/operationlogs/recording-delete", 2*time.Hour)), rule, "deleted two hours later (operation log)")
	assert.Contains(t, run(share(), at("webhook/recording/recording.trashed", 3*24*time.Hour)), rule, "trashed three days later (webhook)")
	assert.NotContains(t, run(at("reports/operationlogs/recording-delete", 2*time.Hour)), rule, "deleted, never made public")
	assert.NotContains(t, run(share(), at("webhook/recording/recording.deleted", 8*24*time.Hour)), rule, "deleted after the window")
	assert.NotContains(t, run(share(), edit(at("webhook/recording/recording.deleted", time.Hour), map[string]any{"zoom.recording.id": "11111111111"})), rule, "another recording")
	assert.NotContains(t, run(share(), at("webhook/recording/recording.recovered", time.Hour)), rule, "recovered, not deleted")
}

func TestMassRecordingDeletion(t *testing.T) {
	const rule = "Zoom mass cloud recording deletion"
	run := func(n int, spacing time.Duration, sample string) []string {
		return rulesAfterSeries(t, n, spacing, func(int) *beat.Event { return golden(t, sample) })
	}
	assert.Contains(t, run(6, time.Minute, "webhook/recording/recording.trashed"), rule, "six trashed in six minutes")
	assert.Contains(t, run(6, time.Minute, "reports/operationlogs/recording-delete"), rule, "six deleted, from the operation logs")
	assert.NotContains(t, run(5, time.Minute, "webhook/recording/recording.trashed"), rule, "five are not more than five")
	assert.NotContains(t, run(6, 3*time.Minute, "webhook/recording/recording.trashed"), rule, "six over fifteen minutes")
	assert.NotContains(t, run(6, time.Minute, "webhook/recording/recording.recovered"), rule, "recovered, not deleted")
}

func TestMassUserDeletion(t *testing.T) {
	const rule = "Zoom mass user deletion"
	run := func(n int, spacing time.Duration) []string {
		return rulesAfterSeries(t, n, spacing, func(i int) *beat.Event {
			return edit(golden(t, "webhook/user/user.deleted"), map[string]any{"user.target.email": fmt.Sprintf("u%d@example.com", i)})
		})
	}
	assert.Contains(t, run(6, time.Minute), rule, "six deletions in six minutes")
	assert.NotContains(t, run(5, time.Minute), rule, "five are not more than five")
	assert.NotContains(t, run(6, 3*time.Minute), rule, "six over fifteen minutes")
}

func TestConfig(t *testing.T) {
	_, err := New(conf.MustNewConfigFrom(map[string]any{"rules": []string{"no such rule"}}), nil)
	assert.ErrorContains(t, err, "no rule matches")
	_, err = New(conf.MustNewConfigFrom(map[string]any{"new_network.ipv4_prefix": 40}), nil)
	assert.ErrorContains(t, err, "new_network.ipv4_prefix")
	p, err := New(conf.MustNewConfigFrom(map[string]any{"rules": []string{"Zoom mass user deletion"}}), nil)
	require.NoError(t, err)
	assert.Equal(t, "zoom_detections=[rules=1]", p.(*processor).String())
}

func TestMisspeltOptionIsAnError(t *testing.T) {
	build := func(settings map[string]any) error {
		_, err := processors.New(processors.PluginConfig{conf.MustNewConfigFrom(map[string]any{Name: settings})}, nil)
		return err
	}
	assert.ErrorContains(t, build(map[string]any{"rule": []string{"x"}}), "unknown option rule")
	assert.ErrorContains(t, build(map[string]any{"new_network": map[string]any{"max_user": 5}}), "unknown option new_network.max_user")
	require.NoError(t, build(map[string]any{"new_network": map[string]any{"max_users": 5}, "when.has_fields": []string{"event.action"}}))
}

// heapAfterGC is the live heap, for tests of bounded memory.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A million distinct operators, one event a second, through a rule's count:
// keys whose timeframe passed are dropped, so the memory stays flat (the
// counter once kept every key forever).
func TestWindowCounterMemoryIsFlat(t *testing.T) {
	c := newWindowCounter(maxCountKeys)
	start := time.Date(2024, 11, 24, 0, 0, 0, 0, time.UTC)
	var at200k uint64
	for i := range 1_000_000 {
		if i == 200_000 {
			at200k = heapAfterGC()
		}
		require.Equal(t, 1, c.add(fmt.Sprintf("rule|user%d@example.com", i), start.Add(time.Duration(i)*time.Second), 15*time.Minute))
	}
	assert.LessOrEqual(t, c.keys.Len(), 15*60+1, "only keys with an event in the last 15 minutes")
	grown := int64(heapAfterGC()) - int64(at200k)
	assert.Less(t, grown, int64(4<<20), "heap grew by %d bytes from 200,000 to 1,000,000 users", grown)
}

func TestWindowCounterCountsWithinTheTimeframe(t *testing.T) {
	c := newWindowCounter(10)
	t0 := time.Date(2024, 11, 24, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, 1, c.add("k", t0.Add(2*time.Minute), 5*time.Minute))
	assert.Equal(t, 2, c.add("k", t0, 5*time.Minute), "out of order, still within")
	assert.Equal(t, 3, c.add("k", t0.Add(4*time.Minute), 5*time.Minute))
	assert.Equal(t, 3, c.add("k", t0.Add(6*time.Minute), 5*time.Minute), "t0 left the window")
	// The size bound evicts the least recently counted key.
	small := newWindowCounter(2)
	small.add("a", t0, time.Hour)
	small.add("b", t0, time.Hour)
	small.add("a", t0, time.Hour)
	small.add("c", t0, time.Hour)
	assert.True(t, small.keys.Contains("a"))
	assert.False(t, small.keys.Contains("b"), "b was counted least recently")
}

// The "new network" memory forgets the least recently seen user first (it
// once forgot the first seen, however active), and holds at most max_users
// users: a million distinct users leave the memory flat.
func TestNetworkMemoryEvictsLeastRecentlySeen(t *testing.T) {
	cfg := defaultConfig()
	cfg.NewNetwork.MaxUsers = 2
	n := newNetworkMemory(cfg)
	home, office := netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24")
	assert.False(t, n.signIn("a", home), "a first sign-in is not new")
	assert.False(t, n.signIn("b", home))
	assert.False(t, n.signIn("a", home), "a is now the most recently seen")
	assert.False(t, n.signIn("c", home), "c evicts b, not a")
	assert.True(t, n.signIn("a", office), "a is still known: the office is new")
	assert.False(t, n.signIn("b", office), "b was forgotten: nothing to compare with")

	cfg.NewNetwork.MaxUsers = 10_000
	n = newNetworkMemory(cfg)
	var at200k uint64
	for i := range 1_000_000 {
		if i == 200_000 {
			at200k = heapAfterGC()
		}
		n.signIn(fmt.Sprintf("user%d@example.com", i), home)
	}
	assert.Equal(t, 10_000, n.users.Len())
	grown := int64(heapAfterGC()) - int64(at200k)
	assert.Less(t, grown, int64(2<<20), "heap grew by %d bytes from 200,000 to 1,000,000 users", grown)
}

func TestNetworkMemoryBoundsNetworksPerUser(t *testing.T) {
	n := newNetworkMemory(defaultConfig())
	for i := range 100 {
		n.signIn("a", netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 24))
	}
	nets, _ := n.users.Get("a")
	assert.Len(t, nets, maxUserNetworks)
	assert.Equal(t, netip.MustParsePrefix("10.99.0.0/24"), nets[0], "most recent first")
	assert.True(t, n.signIn("a", netip.MustParsePrefix("10.0.0.0/24")), "the oldest was forgotten")
}

// rules/README.md is the table of the current rule files.
func TestRulesREADMEIsCurrent(t *testing.T) {
	stale, err := generated.Stale(filepath.Join("..", ".."), Files)
	require.NoError(t, err)
	assert.Empty(t, stale, "run `go tool mage update`")
}
