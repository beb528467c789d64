// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"
)

func unpack(settings map[string]any) (config, error) {
	cfg := defaultConfig()
	err := conf.MustNewConfigFrom(settings).Unpack(&cfg)
	return cfg, err
}

var creds = map[string]any{"account_id": "acct", "client_id": "cid", "client_secret": "shh-secret"}

func with(extra map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range creds {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := unpack(creds)
	require.NoError(t, err)
	assert.Equal(t, []string{"operationlogs", "activities", "meeting_activities"}, cfg.reports(), "every report")

	one, err := unpack(with(map[string]any{"reports": []string{"activities"}}))
	require.NoError(t, err)
	assert.Equal(t, []string{"activities"}, one.reports(), "a configured list replaces the default")
	assert.Equal(t, 5*time.Minute, cfg.Interval.D())
	assert.Equal(t, 7*24*time.Hour, cfg.InitialInterval.D())
	assert.Equal(t, 300, cfg.PageSize)
	assert.Equal(t, "https://api.zoom.us/v2", cfg.APIURL)
	assert.Equal(t, "https://zoom.us/oauth/token", cfg.OAuthURL)
	assert.Equal(t, time.Hour, cfg.LateWindow.D())
}

func TestDurationTakesDays(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"7d": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute, "180d": 180 * 24 * time.Hour,
	} {
		cfg, err := unpack(with(map[string]any{"initial_interval": in}))
		require.NoError(t, err, in)
		assert.Equal(t, want, cfg.InitialInterval.D(), in)
	}
	_, err := unpack(with(map[string]any{"initial_interval": "a week"}))
	assert.ErrorContains(t, err, "initial_interval")
}

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		settings map[string]any
		want     string
	}{
		{map[string]any{"account_id": "a", "client_id": "c"}, "client_secret is required"},
		{map[string]any{"client_id": "c", "client_secret": "s"}, "account_id is required"},
		{with(map[string]any{"reports": []string{"meetings"}}), `unknown report "meetings"`},
		{with(map[string]any{"reports": []string{"activities", "activities"}}), "listed twice"},
		{with(map[string]any{"page_size": 301}), "page_size must be between 1 and 300"},
		{with(map[string]any{"initial_interval": "200d"}), "initial_interval must be between 1s and 183d"},
		{with(map[string]any{"interval": "100ms"}), "interval must be at least 1s"},
		{with(map[string]any{"api_url": "ftp://x"}), `api_url "ftp://x" is not an http(s) URL`},
		{with(map[string]any{"retry.max_attempts": 0}), "retry.max_attempts"},
	}
	for _, c := range cases {
		_, err := unpack(c.settings)
		require.Error(t, err, c.want)
		assert.Contains(t, err.Error(), c.want)
		assert.NotContains(t, err.Error(), "shh-secret", "credentials never appear in errors")
	}
}

func TestConfigureRejectsUnknownBlockKeys(t *testing.T) {
	for key, want := range map[string]string{
		"ssl.verification":  "unknown option ssl.verification",
		"retry.max_attempt": "unknown option retry.max_attempt",
	} {
		_, _, err := configure(conf.MustNewConfigFrom(with(map[string]any{key: "x"})), nil)
		assert.ErrorContains(t, err, want, key)
	}
	_, _, err := configure(conf.MustNewConfigFrom(with(map[string]any{"ssl.verification_mode": "none", "retry.max_attempts": 2})), nil)
	assert.NoError(t, err)
}
