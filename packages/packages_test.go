// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package packages

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/package-spec/v3/code/go/pkg/validator"

	"github.com/zoombeat/zoombeat/input/reports"
	"github.com/zoombeat/zoombeat/input/webhook"
	"github.com/zoombeat/zoombeat/internal/generated"
	"github.com/zoombeat/zoombeat/internal/release"
	_ "github.com/zoombeat/zoombeat/processors/zoom" // the mapping the webhook input runs
)

const root = ".."

func TestGeneratedFilesAreCurrent(t *testing.T) {
	stale, err := generated.Stale(root, Files)
	require.NoError(t, err)
	assert.Empty(t, stale, "run `go tool mage update`")
}

// The package carries zoombeat's version, and its changelog says what that
// version changed (Kibana shows the newest entry).
func TestPackageVersionIsZoombeats(t *testing.T) {
	var manifest struct{ Version string }
	b, err := os.ReadFile(filepath.Join(root, Dir, "manifest.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &manifest))
	assert.Equal(t, release.Version, manifest.Version, "run `go tool mage update`")
	var changelog []struct{ Version string }
	b, err = os.ReadFile(filepath.Join(root, Dir, "changelog.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &changelog))
	require.NotEmpty(t, changelog)
	assert.Equal(t, release.Version, changelog[0].Version, "changelog.yml's first entry is the current version")
}

// TestPackageIsValid runs Elastic's package-spec validator on the package.
func TestPackageIsValid(t *testing.T) {
	require.NoError(t, validator.ValidateFromPath(filepath.Join(root, Dir)))
}

// render renders a stream template with vars, as Fleet does.
func render(t *testing.T, dataStream string, vars map[string]any) *conf.C {
	t.Helper()
	out, err := RenderStream(root, dataStream, vars)
	require.NoError(t, err)
	cfg, err := conf.NewConfigWithYAML(out, dataStream)
	require.NoError(t, err, "the rendered template is not YAML:\n%s", out)
	return cfg
}

func TestWebhookTemplateYieldsAValidInputConfig(t *testing.T) {
	vars := map[string]any{
		"listen_address": "0.0.0.0", "listen_port": 8443, "url": "/zoom", "secret_token": "s3cr3t-token",
		"signature_max_age": "5m", "secret_header": "X-Zoom-Shared", "secret_value": "shared",
		"ssl":         `{"enabled": false, "certificate": "/etc/pki/zoom.crt", "key": "/etc/pki/zoom.key"}`,
		"ack_timeout": "2s", "max_body_bytes": "1MiB", "max_connections": 1024,
		"include_headers": []any{"x-zm-trackingid"}, "preserve_original_event": true,
		"redact_secrets": true, "detections": true, "tags": []any{"zoom-webhook", "forwarded"},
		"processors": "- add_fields:\n    target: ''\n    fields:\n      team: secops",
	}
	cfg := render(t, "webhook", vars)
	require.NoError(t, webhook.CheckConfig(cfg), "the zoom_webhook input accepts it")
	var got map[string]any
	require.NoError(t, cfg.Unpack(&got))
	assert.Equal(t, "/zoom", got["url"])
	assert.Equal(t, map[string]any{"header": "X-Zoom-Shared", "value": "shared"}, got["secret"])
	assert.Equal(t, []any{"zoom-webhook", "forwarded", "preserve_original_event"}, got["tags"])
	assert.Equal(t, true, got["publisher_pipeline"].(map[string]any)["disable_host"])
	// The input maps (mapping); the processors are the policy's own.
	assert.Equal(t, map[string]any{"redact_secrets": true}, got["mapping"])
	procs := got["processors"].([]any)
	require.Len(t, procs, 2)
	assert.Contains(t, procs[0], "zoom_detections")
	assert.Contains(t, procs[1], "add_fields")

	// Without the optional vars.
	minimal := render(t, "webhook", map[string]any{"listen_address": "localhost", "listen_port": 8181, "url": "/zoom",
		"secret_token": "s3cr3t-token", "signature_max_age": "5m", "ack_timeout": "2s", "max_body_bytes": "1MiB",
		"max_connections": 1024, "preserve_original_event": false, "redact_secrets": true, "detections": false,
		"tags": []any{"zoom-webhook"}})
	require.NoError(t, webhook.CheckConfig(minimal))
	var m map[string]any
	require.NoError(t, minimal.Unpack(&m))
	assert.NotContains(t, m, "publisher_pipeline")
	assert.Equal(t, map[string]any{"redact_secrets": true}, m["mapping"])
	assert.NotContains(t, m, "processors", "with no detections and no processors of the policy, the input has none")

	// The policy's processors without detections.
	vars["detections"] = false
	withProcs := render(t, "webhook", vars)
	require.NoError(t, webhook.CheckConfig(withProcs))
	var wp map[string]any
	require.NoError(t, withProcs.Unpack(&wp))
	require.Len(t, wp["processors"], 1)
	assert.Contains(t, wp["processors"].([]any)[0], "add_fields")
}

func TestReportTemplatesYieldValidInputConfigs(t *testing.T) {
	for _, ds := range []string{"operationlogs", "activities", "meeting_activities"} {
		t.Run(ds, func(t *testing.T) {
			cfg := render(t, ds, map[string]any{
				"account_id": "acct", "client_id": "cid", "client_secret": "csecret",
				"api_url": "https://api.zoom.us/v2", "oauth_url": "https://zoom.us/oauth/token",
				"proxy_url": "http://proxy.example.com:3128",
				"interval":  "5m", "initial_interval": "7d", "late_window": "1h", "page_size": 300,
				"preserve_original_event": false, "redact_secrets": true, "detections": true,
				"tags": []any{"zoom-" + ds, "forwarded"},
			})
			require.NoError(t, reports.CheckConfig(cfg), "the zoom_reports input accepts it")
			var got map[string]any
			require.NoError(t, cfg.Unpack(&got))
			assert.Equal(t, []any{ds}, got["reports"], "each data stream polls its own report")
			assert.Equal(t, "http://proxy.example.com:3128", got["proxy_url"])
		})
	}
}

func TestEveryStreamVarIsUsedByItsTemplate(t *testing.T) {
	for _, ds := range []string{"webhook", "operationlogs", "activities", "meeting_activities"} {
		manifest, err := os.ReadFile(filepath.Join(root, Dir, "data_stream", ds, "manifest.yml"))
		require.NoError(t, err)
		tmpl, err := os.ReadFile(filepath.Join(root, Dir, "data_stream", ds, "agent", "stream", ds+".yml.hbs"))
		require.NoError(t, err)
		for _, line := range strings.Split(string(manifest), "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "- name: "); ok {
				assert.Contains(t, string(tmpl), name, "%s: var %s is not used by the template", ds, name)
			}
		}
	}
}

// The zip Kibana's "Upload integration" takes passes package-spec's own
// validation of a zip.
func TestPackageZipIsValid(t *testing.T) {
	out, err := WriteZip(root, t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, "zoombeat-0.1.0.zip", filepath.Base(out))
	require.NoError(t, validator.ValidateFromZip(out))

	// Built as elastic-package builds: no _dev, ECS fields resolved.
	zr, err := zip.OpenReader(out)
	require.NoError(t, err)
	defer zr.Close()
	resolved := 0
	for _, f := range zr.File {
		assert.NotContains(t, f.Name, "/_dev/")
		if !strings.HasSuffix(f.Name, "/fields/ecs.yml") {
			continue
		}
		r, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "external:", f.Name)
		var fields []map[string]any
		require.NoError(t, yaml.Unmarshal(b, &fields))
		for _, fd := range fields {
			assert.NotEmpty(t, fd["type"], "%s: %v", f.Name, fd["name"])
			if fd["name"] == "source.ip" {
				assert.Equal(t, "ip", fd["type"])
				resolved++
			}
		}
	}
	assert.Positive(t, resolved, "source.ip is resolved in some data stream")
}
