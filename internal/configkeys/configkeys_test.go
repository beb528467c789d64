// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package configkeys

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"
)

type days time.Duration

func (d *days) Unpack(string) error { return nil }

type settings struct {
	Field   string `config:"field"`
	Privacy struct {
		Enabled bool     `config:"enabled"`
		Fields  []string `config:"fields"`
	} `config:"privacy"`
	Common `config:",inline"`
	TLS    *tlscommon.ServerConfig `config:"ssl"`
	Window days                    `config:"window"`
	Labels map[string]string       `config:"labels"`
	Plain  int
}

type Common struct {
	Tags []string `config:"tags"`
}

func config(t *testing.T, yaml string) *conf.C {
	t.Helper()
	c, err := conf.NewConfigWithYAML([]byte(yaml), "test")
	require.NoError(t, err)
	return c
}

func TestKnownAcceptsEveryDeclaredKey(t *testing.T) {
	c := config(t, `
field: zoom
privacy: {enabled: true, fields: [a, b]}
tags: [x]
ssl: {enabled: true, certificate: a.crt, key: a.key, client_authentication: required, supported_protocols: [TLSv1.3]}
window: 7d
labels: {anything: goes, at: {any: depth}}
plain: 3
when.equals.a: b
`)
	assert.NoError(t, Known(&settings{}, "when")(c))
}

func TestKnownNamesEveryUnknownKey(t *testing.T) {
	c := config(t, `
feild: zoom
privacy: {enable: true}
ssl: {certficate: a.crt}
`)
	err := Known(&settings{})(c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown option feild (known here: field, labels, plain, privacy, ssl, tags, window)")
	assert.Contains(t, err.Error(), "unknown option privacy.enable (known here: enabled, fields)")
	assert.Contains(t, err.Error(), "unknown option ssl.certficate")
}

func TestKnownInChecksOnlyTheNamedBlocks(t *testing.T) {
	c := config(t, `
processors: [{drop_fields: {fields: [a]}}]
index: whatever
privacy: {enabled: true, fileds: [a]}
ssl: {enabled: true}
`)
	err := KnownIn(&settings{}, "privacy", "ssl")(c)
	require.Error(t, err)
	assert.Equal(t, "unknown option privacy.fileds (known here: enabled, fields)", err.Error())
	assert.NoError(t, KnownIn(&settings{}, "ssl")(c))
}

func TestPaths(t *testing.T) {
	type tls struct {
		Enabled bool   `config:"enabled"`
		Key     string `config:"key"`
	}
	var v struct {
		Name   string `config:"name"`
		Nested struct {
			Depth int `config:"depth"`
			Inner struct {
				On bool `config:"on"`
			} `config:"inner"`
		} `config:"nested"`
		TLS    *tls `config:"ssl"`
		hidden int
	}
	assert.Equal(t, []string{"name", "nested.depth", "nested.inner.on", "ssl"}, Paths(&v, "ssl"))
	assert.Equal(t, []string{"name", "nested.depth", "nested.inner.on", "ssl.enabled", "ssl.key"}, Paths(&v))
}
