// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"

	"github.com/zoombeat/zoombeat/internal/contract"
)

func unpack(t *testing.T, settings map[string]any) (config, error) {
	t.Helper()
	cfg := defaultConfig()
	err := conf.MustNewConfigFrom(settings).Unpack(&cfg)
	return cfg, err
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := unpack(t, map[string]any{"secret_token": "x"})
	require.NoError(t, err)
	assert.Equal(t, "localhost", cfg.ListenAddress)
	assert.Equal(t, 8181, cfg.ListenPort)
	assert.Equal(t, "/zoom", cfg.URL)
	assert.Equal(t, 5*time.Minute, cfg.Signature.MaxAge)
	assert.EqualValues(t, 1<<20, cfg.MaxBodyBytes)
	assert.Equal(t, 2*time.Second, cfg.ACKTimeout)
	assert.Equal(t, 1024, cfg.MaxConnections)
	assert.EqualValues(t, 16<<20, cfg.MaxInflightBytes)
	assert.Equal(t, 30*time.Second, cfg.IdleTimeout)
	assert.False(t, cfg.PreserveOriginalEvent)
	assert.Nil(t, cfg.TLS)
}

func TestConfigKeys(t *testing.T) {
	cfg, err := unpack(t, map[string]any{
		"listen_address": "0.0.0.0", "listen_port": 9443, "url": "/hooks/zoom",
		"secret_token": "tok", "signature.max_age": "90s",
		"secret.header": "X-Custom", "secret.value": "v",
		"max_body_bytes": "64KiB", "max_header_bytes": "8KiB",
		"read_timeout": "3s", "write_timeout": "4s", "idle_timeout": "5s", "ack_timeout": "1500ms",
		"include_headers":         []string{"x-zm-trackingid", "User-Agent"},
		"preserve_original_event": true,
		"ssl.enabled":             false,
		"max_connections":         16,
		"keep_null":               true,
	})
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0", cfg.ListenAddress)
	assert.Equal(t, 9443, cfg.ListenPort)
	assert.Equal(t, "/hooks/zoom", cfg.URL)
	assert.Equal(t, 90*time.Second, cfg.Signature.MaxAge)
	assert.Equal(t, "X-Custom", cfg.Secret.Header)
	assert.EqualValues(t, 64<<10, cfg.MaxBodyBytes)
	assert.EqualValues(t, 8<<10, cfg.MaxHeaderBytes)
	assert.Equal(t, 1500*time.Millisecond, cfg.ACKTimeout)
	assert.Equal(t, []string{"x-zm-trackingid", "User-Agent"}, cfg.IncludeHeaders)
	assert.True(t, cfg.PreserveOriginalEvent)
	assert.Equal(t, 16, cfg.MaxConnections)
	assert.True(t, cfg.KeepNull)
	require.NotNil(t, cfg.TLS)
	assert.False(t, cfg.TLS.IsEnabled())
}

func TestConfigValidationErrors(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"no secret", map[string]any{}, "secret_token is required"},
		{"empty secret", map[string]any{"secret_token": ""}, "secret_token is required"},
		{"port out of range", map[string]any{"secret_token": "x", "listen_port": 70000}, "listen_port 70000"},
		{"relative url", map[string]any{"secret_token": "x", "url": "zoom"}, `url "zoom" must start with /`},
		{"empty address", map[string]any{"secret_token": "x", "listen_address": ""}, "listen_address"},
		{"max_age zero", map[string]any{"secret_token": "x", "signature.max_age": "0s"}, "signature.max_age must be positive"},
		{"header without value", map[string]any{"secret_token": "x", "secret.header": "X-A"}, "secret.header and secret.value must be set together"},
		{"value without header", map[string]any{"secret_token": "x", "secret.value": "v"}, "secret.header and secret.value must be set together"},
		{"bad header name", map[string]any{"secret_token": "x", "secret.header": "X A", "secret.value": "v"}, `secret.header "X A" is not a valid HTTP header name`},
		{"negative body limit", map[string]any{"secret_token": "x", "max_body_bytes": -1}, "max_body_bytes"},
		{"ack_timeout zero", map[string]any{"secret_token": "x", "ack_timeout": "0s"}, "ack_timeout must be positive"},
		{"ack_timeout past write_timeout", map[string]any{"secret_token": "x", "ack_timeout": "10s", "write_timeout": "5s"}, "ack_timeout (10s) must be shorter than write_timeout (5s)"},
		{"bad include header", map[string]any{"secret_token": "x", "include_headers": []string{"ok", "bad:name"}}, `include_headers: "bad:name"`},
		{"negative max_connections", map[string]any{"secret_token": "x", "max_connections": -1}, "max_connections must be 0"},
		{"inflight under body", map[string]any{"secret_token": "x", "max_inflight_bytes": "512KiB"}, "max_inflight_bytes (524288) must be at least max_body_bytes (1048576)"},
		{"ssl without certificate", map[string]any{"secret_token": "x", "ssl.enabled": true}, "certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := unpack(t, c.settings)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestConfigAllowUnsigned(t *testing.T) {
	cfg, err := unpack(t, map[string]any{"allow_unsigned": true})
	require.NoError(t, err)
	assert.Empty(t, cfg.SecretToken)
}

// The published development secret works on a loopback listener only, so
// that the shipped filebeat.yml cannot be exposed with it.
func TestDevelopmentSecretOnlyOnLoopback(t *testing.T) {
	for _, address := range []string{"localhost", "127.0.0.1", "::1", "LocalHost"} {
		_, err := unpack(t, map[string]any{"secret_token": contract.DevelopmentSecret, "listen_address": address})
		assert.NoError(t, err, address)
	}
	for _, address := range []string{"0.0.0.0", "::", "10.1.2.3", "zoom.example.com"} {
		_, err := unpack(t, map[string]any{"secret_token": contract.DevelopmentSecret, "listen_address": address})
		assert.ErrorContains(t, err, "secret_token is zoombeat's published development secret, accepted only on a loopback listen_address", address)
		_, err = unpack(t, map[string]any{"secret_token": "the-app-secret", "listen_address": address})
		assert.NoError(t, err, address)
	}
}

func TestConfigureRejectsBadConfig(t *testing.T) {
	_, err := configure(conf.MustNewConfigFrom(map[string]any{"listen_port": "http"}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "zoom_webhook input")
	assert.Contains(t, err.Error(), "listen_port")
}

// A typo in a block that protects the listener is an error naming the key.
func TestConfigureRejectsUnknownSecurityKeys(t *testing.T) {
	for key, want := range map[string]string{
		"signature.maxage": "unknown option signature.maxage",
		"secret.headr":     "unknown option secret.headr",
		"ssl.certficate":   "unknown option ssl.certficate",
		"ssl.client_auth":  "unknown option ssl.client_auth",
	} {
		_, err := configure(conf.MustNewConfigFrom(map[string]any{"secret_token": "s", key: "x"}), nil)
		assert.ErrorContains(t, err, want, key)
	}
	_, err := configure(conf.MustNewConfigFrom(map[string]any{"secret_token": "s", "signature.max_age": "1m", "tags": []string{"a"}, "processors": []any{}}), nil)
	assert.NoError(t, err)
}
