// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v2"
	yaml3 "gopkg.in/yaml.v3"

	conf "github.com/elastic/elastic-agent-libs/config"

	"github.com/zoombeat/zoombeat/input/reports"
	"github.com/zoombeat/zoombeat/input/webhook"
	"github.com/zoombeat/zoombeat/input/websocket"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/internal/generated"
	"github.com/zoombeat/zoombeat/module/zoom"
	_ "github.com/zoombeat/zoombeat/processors/zoom" // the mapping the webhook fileset has its input run
	"github.com/zoombeat/zoombeat/testing/reference"
)

// filesets and the input check of each.
var filesets = map[string]func(*conf.C) error{
	"webhook":            webhook.CheckConfig,
	"operationlogs":      reports.CheckConfig,
	"activities":         reports.CheckConfig,
	"meeting_activities": reports.CheckConfig,
	"websocket":          websocket.CheckConfig,
}

// renderInput renders the fileset's input template with vars and checks the
// result with the real input's configuration checks, as Filebeat does when
// it loads the fileset.
func renderInput(t *testing.T, fs string, vars map[string]any) (*conf.C, error) {
	t.Helper()
	cfg := reference.RenderFileset(t, fs, vars)
	return cfg, filesets[fs](cfg)
}

// _meta/config.reference.yml (the module's part of filebeat.reference.yml)
// sets every var of every fileset, each at its manifest's default where it
// has one, and those settings make a valid input.
func TestReferenceConfigListsEveryVar(t *testing.T) {
	for _, env := range []string{"ZOOM_SECRET_TOKEN", "ZOOM_CUSTOM_HEADER_VALUE", "ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_WEBSOCKET_SUBSCRIPTION_ID"} {
		t.Setenv(env, "reference-example-value")
	}
	b, err := os.ReadFile(filepath.Join("_meta", "config.reference.yml"))
	require.NoError(t, err)
	var modules []map[string]any
	require.NoError(t, yaml3.Unmarshal(b, &modules))
	require.Len(t, modules, 1)
	for fs := range filesets {
		t.Run(fs, func(t *testing.T) {
			block, _ := modules[0][fs].(map[string]any)
			require.NotNil(t, block, "the reference configures the %s fileset", fs)
			vars := reference.FilesetVars(t, fs)
			for name, def := range vars {
				if name == "builtin" {
					continue
				}
				got, ok := block["var."+name]
				if !assert.True(t, ok, "var.%s is in the reference", name) {
					continue
				}
				if def != nil && def != "" {
					assert.Equal(t, def, got, "var.%s shows its default", name)
				}
				vars[name] = got
			}
			for key := range block {
				name, isVar := strings.CutPrefix(key, "var.")
				assert.True(t, key == "enabled" || (isVar && vars[name] != nil), "%s is a var of the fileset", key)
			}
			if fs == "webhook" {
				vars["ssl"] = nil // its example names certificate files that do not exist here
			}
			_, err := renderInput(t, fs, vars)
			assert.NoError(t, err)
		})
	}
}

func TestInputTemplateWithDefaults(t *testing.T) {
	vars := reference.FilesetVars(t, "webhook")
	_, err := renderInput(t, "webhook", vars)
	require.Error(t, err, "the default secret_token is empty")
	assert.Contains(t, err.Error(), "secret_token is required")

	vars["secret_token"] = "s3cr3t"
	cfg, err := renderInput(t, "webhook", vars)
	require.NoError(t, err)
	var got struct {
		Type       string           `config:"type"`
		Port       int              `config:"listen_port"`
		Tags       []string         `config:"tags"`
		Mapping    map[string]any   `config:"mapping"`
		Processors []map[string]any `config:"processors"`
	}
	require.NoError(t, cfg.Unpack(&got))
	assert.Equal(t, "zoom_webhook", got.Type)
	assert.Equal(t, 8181, got.Port)
	assert.Equal(t, []string{"zoom-webhook", "forwarded"}, got.Tags)
	// The input maps, and has no processors of its own: libbeat then copies
	// none of the fields it adds to each event (docs/performance.md).
	assert.Equal(t, map[string]any{"redact_secrets": true}, got.Mapping)
	assert.Empty(t, got.Processors)

	vars["detections"] = true
	cfg, err = renderInput(t, "webhook", vars)
	require.NoError(t, err)
	var procs struct {
		Processors []*conf.C `config:"processors"`
	}
	require.NoError(t, cfg.Unpack(&procs))
	require.Len(t, procs.Processors, 1)
	assert.Equal(t, []string{"zoom_detections"}, procs.Processors[0].GetFields())
}

func TestInputTemplateWithEveryVar(t *testing.T) {
	vars := reference.FilesetVars(t, "webhook")
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	vars["listen_address"] = "0.0.0.0"
	vars["listen_port"] = 9443
	vars["url"] = "/hooks/zoom"
	vars["secret_token"] = `we"ird:tok en`
	vars["secret_header"] = "X-Zoom-Shared"
	vars["secret_value"] = "v"
	vars["ssl"] = map[string]any{"enabled": false, "certificate": cert, "key": key}
	vars["include_headers"] = []any{"x-zm-trackingid"}
	vars["preserve_original_event"] = true
	vars["redact_secrets"] = false
	vars["tags"] = []any{"zoom"}
	vars["pseudonymize"] = map[string]any{"enabled": true, "key": "a-literal-test-key-123", "keep_domain": true}
	cfg, err := renderInput(t, "webhook", vars)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, cfg.Unpack(&got))
	assert.Equal(t, `we"ird:tok en`, got["secret_token"], "the secret survives quoting")
	assert.Equal(t, "/hooks/zoom", got["url"])
	assert.Equal(t, map[string]any{"header": "X-Zoom-Shared", "value": "v"}, got["secret"])
	assert.Equal(t, []any{"zoom", "preserve_original_event"}, got["tags"])
	assert.NotContains(t, got, "publisher_pipeline", "without the forwarded tag Filebeat adds host.*")
	assert.Equal(t, map[string]any{"redact_secrets": false,
		"pseudonymize": map[string]any{"enabled": true, "key": "a-literal-test-key-123", "keep_domain": true}}, got["mapping"])
	assert.NotContains(t, got, "processors")
}

func TestIngestPipeline(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("webhook", "ingest", "pipeline.yml"))
	require.NoError(t, err)
	var p struct {
		Description string           `yaml:"description"`
		Processors  []map[string]any `yaml:"processors"`
		OnFailure   []map[string]any `yaml:"on_failure"`
	}
	require.NoError(t, yaml.Unmarshal(b, &p))
	var kinds []string
	for _, proc := range p.Processors {
		for k := range proc {
			kinds = append(kinds, k)
		}
	}
	// Only what needs Elasticsearch; the mapping is the processor's.
	assert.Equal(t, []string{"set", "geoip", "geoip", "rename", "rename", "remove"}, kinds)
	assert.Equal(t, "event.ingested", p.Processors[0]["set"].(map[any]any)["field"])
	assert.Equal(t, "source.ip", p.Processors[1]["geoip"].(map[any]any)["field"])
	assert.Equal(t, "GeoLite2-ASN.mmdb", p.Processors[2]["geoip"].(map[any]any)["database_file"])
	remove := p.Processors[5]["remove"].(map[any]any)
	assert.Equal(t, "event.original", remove["field"])
	assert.Contains(t, remove["if"], "preserve_original_event")
	assert.NotEmpty(t, p.OnFailure)
}

// TestDocsSampleIsCurrent keeps the sample document in docs.md equal to its
// golden file.
func TestDocsSampleIsCurrent(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("_meta", "docs.md"))
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)```json\n(.*?)\n```").FindSubmatch(docs)
	require.NotNil(t, m, "docs.md has a sample document")
	golden, err := os.ReadFile(filepath.Join("..", "..", "testing", "webhook", "meeting", "meeting.participant_joined.expected.json"))
	require.NoError(t, err)
	var a, b any
	require.NoError(t, json.Unmarshal(m[1], &a))
	require.NoError(t, json.Unmarshal(golden, &b))
	assert.Equal(t, b, a, "docs.md's sample differs from testing/webhook/meeting/meeting.participant_joined.expected.json")

	// Every var of every fileset is documented.
	for fs := range filesets {
		for name := range reference.FilesetVars(t, fs) {
			if name != "builtin" {
				assert.True(t, strings.Contains(string(docs), "`"+name+"`"), "docs.md does not document var %s of %s", name, fs)
			}
		}
	}
}

func TestReportTemplates(t *testing.T) {
	for _, fs := range []string{"operationlogs", "activities"} {
		t.Run(fs, func(t *testing.T) {
			vars := reference.FilesetVars(t, fs)
			_, err := renderInput(t, fs, vars)
			require.Error(t, err, "credentials are required")
			assert.Contains(t, err.Error(), "account_id is required")

			vars["account_id"], vars["client_id"], vars["client_secret"] = "a", "c", `s"ec:ret`
			vars["proxy_url"] = "http://proxy.example.com:3128"
			vars["ssl"] = map[string]any{"verification_mode": "full"}
			cfg, err := renderInput(t, fs, vars)
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, cfg.Unpack(&got))
			assert.Equal(t, []any{fs}, got["reports"], "each fileset polls its own report")
			assert.Equal(t, `s"ec:ret`, got["client_secret"])
			assert.Equal(t, "7d", got["initial_interval"])
			assert.Equal(t, []any{map[string]any{"zoom": map[string]any{"redact_secrets": true}}}, got["processors"])
		})
	}
}

// The filesets' manifests and input templates are made from settings.go.
func TestFilesetFilesAreCurrent(t *testing.T) {
	stale, err := generated.Stale(filepath.Join("..", ".."), zoom.FilesetFiles)
	require.NoError(t, err)
	assert.Empty(t, stale, "run `go tool mage update`")
}

// One report fileset per report the zoom_reports input polls, each polling
// its own.
func TestReportFilesetsComeFromTheReportsTable(t *testing.T) {
	var names []string
	for _, fs := range zoom.Filesets() {
		if fs.Report != "" {
			assert.Equal(t, fs.Name, fs.Report)
			names = append(names, fs.Name)
		}
	}
	assert.Equal(t, contract.Reports, names)
	for _, r := range contract.Reports {
		_, ok := filesets[r]
		assert.True(t, ok, "the tests check fileset %s", r)
	}
}
