// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"
)

func unpack(settings map[string]any) (config, error) {
	c := defaultConfig()
	err := conf.MustNewConfigFrom(settings).Unpack(&c)
	return c, err
}

// The subscription comes from the URL Zoom shows, or from subscription_id.
func TestEndpointFromURLOrSubscriptionID(t *testing.T) {
	for _, settings := range []map[string]any{
		{"url": "wss://ws.zoom.us/ws?subscriptionId=abc", "client_id": "i", "client_secret": "s"},
		{"subscription_id": "abc", "client_id": "i", "client_secret": "s"},
		{"url": "wss://ws.zoom.us/ws?subscriptionId=abc", "subscription_id": "abc", "client_id": "i", "client_secret": "s"},
	} {
		c, err := unpack(settings)
		require.NoError(t, err)
		u, err := c.endpoint()
		require.NoError(t, err)
		assert.Equal(t, "wss://ws.zoom.us/ws?subscriptionId=abc", u.String())
	}
}

// Every fault is named by its key, all at once; secrets are not quoted.
func TestValidateNamesEveryKey(t *testing.T) {
	_, err := unpack(map[string]any{
		"url": "https://ws.zoom.us/ws", "grant_type": "password", "client_secret": "hunter2",
		"heartbeat_interval": "10m", "backoff.init": "2m", "backoff.max": "1m", "max_message_bytes": 10,
		"proxy_url": "http://u:pw@", "timeout": "0s", "oauth_url": "zoom.us",
	})
	require.Error(t, err)
	for _, want := range []string{
		`grant_type "password" is not one of client_credentials, account_credentials`,
		"client_id is required", `url "https://ws.zoom.us/ws" is not a ws(s) URL`,
		"heartbeat_interval must be between 100ms and 5m", "backoff.init (2m0s) must be positive and at most backoff.max (1m0s)",
		"max_message_bytes must be at least 1KiB", "proxy_url", "timeout must be positive", `oauth_url "zoom.us"`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "hunter2")
	assert.NotContains(t, err.Error(), "pw@")
}

func TestSubscriptionAndGrantRules(t *testing.T) {
	for settings, want := range map[string]map[string]any{
		"subscription_id is required":         {"client_id": "i", "client_secret": "s"},
		`differs from the subscriptionId "b"`: {"url": "wss://x/ws?subscriptionId=b", "subscription_id": "a", "client_id": "i", "client_secret": "s"},
		"must not hold an access_token":       {"url": "wss://x/ws?subscriptionId=b&access_token=t", "client_id": "i", "client_secret": "s"},
		"account_id is required":              {"subscription_id": "a", "grant_type": "account_credentials", "client_id": "i", "client_secret": "s"},
	} {
		_, err := unpack(want)
		require.Error(t, err, settings)
		assert.Contains(t, err.Error(), settings)
	}
	c, err := unpack(map[string]any{"subscription_id": "a", "client_id": "i", "client_secret": "s"})
	require.NoError(t, err)
	assert.Equal(t, "client_credentials", c.app().Grant, "Zoom's WebSocket docs' grant by default")
}

// A misspelt key in ssl or backoff is an error, not a silent default.
func TestMisspeltBlockKeyIsAnError(t *testing.T) {
	err := CheckConfig(conf.MustNewConfigFrom(map[string]any{"subscription_id": "a", "client_id": "i", "client_secret": "s", "backoff.maximum": "1m"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "backoff.maximum")
	err = CheckConfig(conf.MustNewConfigFrom(map[string]any{"subscription_id": "a", "client_id": "i", "client_secret": "s", "mapping": map[string]any{"redact_secret": true}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redact_secret")
}
