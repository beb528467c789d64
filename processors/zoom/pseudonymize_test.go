// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/processors"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

const pseudonymKey = "test-pseudonym-key-0123456789"

func pseudonymizing(keepDomain bool) func(*config) {
	return func(c *config) {
		c.Pseudonymize = pseudonymizeConfig{Enabled: true, Key: pseudonymKey, KeepDomain: keepDomain}
	}
}

func sampleDoc(t *testing.T, p *processor, sample string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testing", sample+".json"))
	require.NoError(t, err)
	return document(t, p, raw)
}

// TestPseudonymsJoinAcrossFamiliesAndInputs: the same person gets the same
// token in a webhook sign-in, a meeting participant event and the sign-in
// report, and across processors (restarts) with the same key.
func TestPseudonymsJoinAcrossFamiliesAndInputs(t *testing.T) {
	p := mustProcessor(t, pseudonymizing(false))
	signIn := sampleDoc(t, p, "webhook/user/user.signed_in")
	joined := sampleDoc(t, p, "webhook/meeting/meeting.participant_joined")
	report := sampleDoc(t, mustProcessor(t, pseudonymizing(false)), "reports/activities/sign-in-browser")

	want := get(mapstr.M(signIn), "user.email")
	require.IsType(t, "", want)
	assert.True(t, strings.HasPrefix(want.(string), "pz-"), "%v", want)
	assert.Equal(t, want, get(mapstr.M(joined), "user.email"), "webhook families agree")
	assert.Equal(t, want, get(mapstr.M(report), "user.email"), "the reports input agrees, in another processor")
	assert.Equal(t, want, get(mapstr.M(joined), "zoom.participant.email"))
	assert.Equal(t, get(mapstr.M(signIn), "user.id"), get(mapstr.M(joined), "user.id"))

	other := mustProcessor(t, func(c *config) {
		c.Pseudonymize = pseudonymizeConfig{Enabled: true, Key: "another-key-0123456789abcdef"}
	})
	assert.NotEqual(t, want, get(mapstr.M(sampleDoc(t, other, "webhook/user/user.signed_in")), "user.email"), "another key, another token")
}

func TestPseudonymsKeepDomainAndIPs(t *testing.T) {
	doc := mapstr.M(sampleDoc(t, mustProcessor(t, pseudonymizing(true)), "webhook/meeting/meeting.participant_joined"))
	email, _ := get(doc, "user.email").(string)
	assert.Regexp(t, `^pz-[0-9a-f]{20}@example\.com$`, email)
	assert.Equal(t, "example.com", get(doc, "user.domain"), "keep_domain keeps domain fields")

	ip, _ := get(doc, "source.ip").(string)
	addr, err := netip.ParseAddr(ip)
	require.NoError(t, err, "an IP stays an IP")
	assert.True(t, netip.MustParsePrefix("240.0.0.0/4").Contains(addr), "%s is in the reserved range", addr)
	assert.NotEqual(t, "203.0.113.7", ip)

	v6 := mapstr.M(sampleDoc(t, mustProcessor(t, pseudonymizing(true)), "reports/activities/sign-in-mac"))
	addr6, err := netip.ParseAddr(get(v6, "source.ip").(string))
	require.NoError(t, err)
	assert.True(t, netip.MustParsePrefix("fd00::/8").Contains(addr6))

	noDomain := mapstr.M(sampleDoc(t, mustProcessor(t, pseudonymizing(false)), "webhook/meeting/meeting.participant_joined"))
	assert.Regexp(t, `^pz-[0-9a-f]{20}$`, get(noDomain, "user.email"))
	assert.NotEqual(t, "example.com", get(noDomain, "user.domain"))
}

// TestPseudonymizeLeavesNoOriginal checks every sample: no value of a
// pseudonymized field, and no email address, survives anywhere in the
// document, event.original, message and related.user included.
func TestPseudonymizeLeavesNoOriginal(t *testing.T) {
	plain := mustProcessor(t, nil)
	pseudo := mustProcessor(t, pseudonymizing(false))
	ps := newPseudonymizer(pseudo.cfg.Pseudonymize)
	for _, pl := range payloads(t) {
		t.Run(pl.name, func(t *testing.T) {
			// The originals: what the pseudonymized fields hold without it.
			clear := document(t, plain, pl.raw)
			var originals []string
			ps.walkFields(clear, nil, func(_, v string) string {
				if len(v) >= 3 && v != Redacted {
					originals = append(originals, v)
				}
				return v
			})
			originals = append(originals, emailAnywhereRE.FindAllString(string(pl.raw), -1)...)

			ev := inputEvent(t, pl.raw)
			_, _ = ev.Fields.Put("event.original", string(pl.raw)) // preserve_original_event
			out, err := pseudo.Run(ev)
			require.NoError(t, err)
			b, err := json.Marshal(out.Fields)
			require.NoError(t, err)
			text := string(b)
			for _, o := range originals {
				quoted, _ := json.Marshal(o)
				inner := string(quoted[1 : len(quoted)-1])
				assert.NotContains(t, text, inner, "%q is still in the document", o)
			}
		})
	}
}

// A list of strings that other events share (libbeat puts one tags list in
// every event of an input) is replaced, not rewritten, when a string in it is
// pseudonymized.
func TestPseudonymizeLeavesSharedListsAlone(t *testing.T) {
	p := mustProcessor(t, pseudonymizing(false))
	shared := []string{"zoom-webhook", "owner jill.chill@example.com"}
	ev := inputEvent(t, []byte(`{"event":"user.signed_in","event_ts":1732435200000,"payload":{"account_id":"A","object":{"id":"u1","email":"jill.chill@example.com"}}}`))
	ev.Fields["tags"] = shared
	out, err := p.Run(ev)
	require.NoError(t, err)
	tags := out.Fields["tags"].([]string)
	assert.Equal(t, "zoom-webhook", tags[0])
	assert.NotContains(t, tags[1], "jill.chill@example.com", "pseudonymized in the event")
	assert.Equal(t, []string{"zoom-webhook", "owner jill.chill@example.com"}, shared, "the shared list is as it was")
}

// TestPseudonymizeCallLogs: the parties of a call-log event with several logs
// are only in the nested list (none is lifted to zoom.phone.caller), and are
// pseudonymized there.
func TestPseudonymizeCallLogs(t *testing.T) {
	pseudo := mustProcessor(t, pseudonymizing(false))
	doc := run(t, pseudo, `{"event":"phone.caller_call_log_completed","event_ts":1732440517701,"payload":{"account_id":"A1","object":{"user_id":"u1","call_logs":[
		{"id":"l1","caller_user_id":"u1-jill","caller_name":"Jill Chill","caller_number":"+12125550101","callee_user_id":"u2-pat","callee_name":"Pat Doe","callee_number":"+12125550102"},
		{"id":"l2","caller_user_id":"u1-jill","caller_name":"Jill Chill","caller_number":"+12125550101","callee_user_id":"u3-sam","callee_name":"Sam Roe","callee_number":"+12125550103"}]}}}`)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	for _, o := range []string{"u1-jill", "Jill Chill", "+12125550101", "u2-pat", "Pat Doe", "+12125550102", "u3-sam", "Sam Roe", "+12125550103"} {
		assert.NotContains(t, string(b), o)
	}
	assert.Equal(t, "l2", get(doc, "zoom.phone.call_logs").([]any)[1].(map[string]any)["id"], "the logs themselves are kept")
}

func TestPseudonymizeConfig(t *testing.T) {
	_, err := New(conf.MustNewConfigFrom(map[string]any{"pseudonymize.enabled": true}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pseudonymize.key must be at least 16 characters")

	_, err = New(conf.MustNewConfigFrom(map[string]any{"pseudonymize": map[string]any{"enabled": true, "key": pseudonymKey, "fields": []string{"user.email"}}}), nil)
	require.NoError(t, err)

	// A custom field list pseudonymizes those fields (and emails anywhere).
	p := mustProcessor(t, func(c *config) {
		c.Pseudonymize = pseudonymizeConfig{Enabled: true, Key: pseudonymKey, Fields: []string{"user.id"}}
	})
	doc := mapstr.M(sampleDoc(t, p, "webhook/user/user.signed_in"))
	assert.True(t, strings.HasPrefix(get(doc, "user.id").(string), "pz-"))
	assert.True(t, strings.HasPrefix(get(doc, "user.email").(string), "pz-"), "emails are never left in clear")
	assert.Equal(t, "browser", get(doc, "zoom.user.client_type"), "other fields are untouched")
}

// The processor as configured in filebeat.yml: a misspelt option is an error
// that names it (`enable` turned nothing on before), and `when` is accepted.
func TestMisspeltOptionIsAnError(t *testing.T) {
	build := func(settings map[string]any) error {
		_, err := processors.New(processors.PluginConfig{conf.MustNewConfigFrom(map[string]any{Name: settings})}, nil)
		return err
	}
	err := build(map[string]any{"pseudonymize": map[string]any{"enable": true}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown option pseudonymize.enable")
	assert.ErrorContains(t, build(map[string]any{"redact_secret": false}), "unknown option redact_secret")
	require.NoError(t, build(map[string]any{"redact_secrets": false, "when.has_fields": []string{"zoom"}}))
}
