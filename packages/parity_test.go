// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package packages

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"gopkg.in/yaml.v3"

	"github.com/elastic/elastic-agent-client/v7/pkg/client"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"
	conf "github.com/elastic/elastic-agent-libs/config"

	"github.com/zoombeat/zoombeat/input/reports"
	"github.com/zoombeat/zoombeat/input/webhook"
	"github.com/zoombeat/zoombeat/input/websocket"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/internal/managed"
	zoommodule "github.com/zoombeat/zoombeat/module/zoom"
	"github.com/zoombeat/zoombeat/testing/reference"
)

// packageVars are the vars a data stream's policy offers: its stream's and
// its input's, by name, with their defaults.
func packageVars(t *testing.T, fs zoommodule.Fileset) map[string]any {
	t.Helper()
	out := map[string]any{}
	var stream struct {
		Streams []struct {
			Vars []packageVar `yaml:"vars"`
		} `yaml:"streams"`
	}
	b, err := os.ReadFile(filepath.Join(root, Dir, "data_stream", fs.Name, "manifest.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &stream))
	require.Len(t, stream.Streams, 1)
	var manifest struct {
		PolicyTemplates []struct {
			Inputs []struct {
				Type string       `yaml:"type"`
				Vars []packageVar `yaml:"vars"`
			} `yaml:"inputs"`
		} `yaml:"policy_templates"`
	}
	b, err = os.ReadFile(filepath.Join(root, Dir, "manifest.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &manifest))
	vars := stream.Streams[0].Vars
	for _, in := range manifest.PolicyTemplates[0].Inputs {
		if in.Type == fs.Input {
			vars = append(vars, in.Vars...)
		}
	}
	for _, v := range vars {
		_, dup := out[v.Name]
		require.False(t, dup, "%s: var %s is declared twice", fs.Name, v.Name)
		out[v.Name] = emptyAsNone(v.Default)
	}
	return out
}

// emptyAsNone treats an empty default as none: Fleet leaves such a var
// unset, and both templates leave an unset or empty var out alike.
func emptyAsNone(v any) any {
	switch d := v.(type) {
	case string:
		if d == "" {
			return nil
		}
	case []any:
		if len(d) == 0 {
			return nil
		}
	}
	return v
}

// Every var of every fileset is a var of the package's data stream with the
// same default, and the package has no var the module lacks.
func TestFilesetAndPackageVarsAreTheSame(t *testing.T) {
	for _, fs := range zoommodule.Filesets() {
		t.Run(fs.Name, func(t *testing.T) {
			module := map[string]any{}
			for name, def := range reference.FilesetVars(t, fs.Name) {
				if name != "builtin" {
					module[name] = emptyAsNone(def)
				}
			}
			assert.Equal(t, module, packageVars(t, fs))
		})
	}
}

// everyVar sets every var of every fileset to a value other than its
// default, as the module takes it (objects) and as Fleet hands it to a
// stream template (a yaml var is YAML text).
var everyVar = map[string]struct{ module, fleet any }{
	"listen_address": {"0.0.0.0", nil}, "listen_port": {9443, nil}, "secret_token": {"tok-en-123", nil},
	"url": {"/hooks/zoom", nil}, "allow_unsigned": {true, nil}, "signature_max_age": {"4m", nil},
	"secret_header": {"X-Zoom-Shared", nil}, "secret_value": {"shared-value", nil},
	"ack_timeout": {"1500ms", nil}, "max_body_bytes": {"512KiB", nil}, "max_inflight_bytes": {"8MiB", nil},
	"max_header_bytes": {"8KiB", nil}, "read_timeout": {"9s", nil}, "write_timeout": {"8s", nil},
	"idle_timeout": {"20s", nil}, "max_connections": {512, nil}, "accept_gzip": {true, nil}, "header_timeout": {"3s", nil},
	"max_connections_per_source": {64, nil}, "max_inflight_bytes_per_source": {"2MiB", nil},
	"allowed_networks": {[]any{"203.0.113.0/24"}, nil}, "include_headers": {[]any{"x-zm-trackingid"}, nil},
	"keep_null":  {true, nil},
	"account_id": {"acct", nil}, "client_id": {"cid", nil}, "client_secret": {"csecret", nil},
	"api_url": {"https://api.example.com/v2", nil}, "oauth_url": {"https://zoom.example.com/oauth/token", nil},
	"proxy_url": {"http://proxy.example.com:3128", nil}, "timeout": {"20s", nil}, "requests_per_second": {5, nil},
	"retry_max_attempts": {3, nil}, "retry_wait_min": {"2s", nil}, "retry_wait_max": {"30s", nil},
	"subscription_id": {"sub-9", nil}, "grant_type": {"account_credentials", nil}, "heartbeat_interval": {"20s", nil},
	"backoff_init": {"2s", nil}, "backoff_max": {"2m", nil}, "max_message_bytes": {"2MiB", nil},
	"interval": {"10m", nil}, "initial_interval": {"30d", nil}, "late_window": {"2h", nil}, "page_size": {100, nil},
	"tags": {[]any{"zoom", "forwarded"}, nil}, "preserve_original_event": {true, nil}, "redact_secrets": {false, nil},
	"detections": {true, nil},
	"pseudonymize": {map[string]any{"enabled": true, "key": "a-literal-test-key-123", "keep_domain": true},
		`{"enabled": true, "key": "a-literal-test-key-123", "keep_domain": true}`},
	"processors": {[]any{map[string]any{"add_fields": map[string]any{"target": "", "fields": map[string]any{"team": "secops"}}}},
		"- add_fields:\n    target: ''\n    fields:\n      team: secops"},
}

// byInput are the values of the vars that two inputs name alike but take
// differently: a WebSocket url is Zoom's endpoint, a webhook's a path.
var byInput = map[string]map[string]struct{ module, fleet any }{
	contract.WebSocketInput: {"url": {"wss://ws.example.com/ws?subscriptionId=sub-9", nil}},
}

// sslVar is the ssl var of a fileset, with no files to read.
func sslVar(fs zoommodule.Fileset) (map[string]any, string) {
	if fs.Input == contract.WebhookInput {
		return map[string]any{"enabled": false, "certificate": "/etc/pki/zoom.crt", "key": "/etc/pki/zoom.key"},
			`{"enabled": false, "certificate": "/etc/pki/zoom.crt", "key": "/etc/pki/zoom.key"}`
	}
	return map[string]any{"verification_mode": "certificate"}, `{"verification_mode": "certificate"}`
}

// agentKeys are what libbeat's management code adds to a stream's config.
var agentKeys = []string{"id", "index", "data_stream", "meta", "_id"}

// Every stream template, rendered with every var set and turned into an
// input config by internal/managed's transform, validates with its input
// and equals the fileset's rendering of the same values, but for what the
// Agent adds (data_stream.*, the index, ids, and its add_fields processors).
func TestStreamTemplatesRenderAsTheFilesets(t *testing.T) {
	for _, fs := range zoommodule.Filesets() {
		t.Run(fs.Name, func(t *testing.T) {
			moduleVars := reference.FilesetVars(t, fs.Name)
			fleetVars := map[string]any{}
			for _, s := range fs.Settings {
				v, ok := everyVar[s.Name]
				if own, has := byInput[fs.Input][s.Name]; has {
					v = own
				}
				if s.Name == "ssl" {
					v.module, v.fleet = sslVar(fs)
					ok = true
				}
				require.True(t, ok, "the test has no value for var %s", s.Name)
				moduleVars[s.Name] = v.module
				fleetVars[s.Name] = v.module
				if v.fleet != nil {
					fleetVars[s.Name] = v.fleet
				}
			}
			module := reference.RenderFileset(t, fs.Name, moduleVars)
			check := map[string]func(*conf.C) error{contract.WebhookInput: webhook.CheckConfig, contract.ReportsInput: reports.CheckConfig, contract.WebSocketInput: websocket.CheckConfig}[fs.Input]
			require.NoError(t, check(module), "the fileset's rendering is a valid input")

			rendered, err := RenderStream(root, fs.Name, fleetVars)
			require.NoError(t, err)
			var source map[string]any
			require.NoError(t, yaml.Unmarshal(rendered, &source), "%s", rendered)
			source = jsonRoundTrip(t, source)
			src, err := structpb.NewStruct(source)
			require.NoError(t, err)
			unit := &proto.UnitExpectedConfig{
				Id: fs.Input + "-zoombeat-policy", Type: fs.Input, Name: "zoombeat-1",
				DataStream: &proto.DataStream{Namespace: "default"},
				Streams: []*proto.Stream{{Id: fs.Input + "-zoombeat." + fs.Name, Source: src,
					DataStream: &proto.DataStream{Dataset: "zoombeat." + fs.Name, Type: "logs"}}},
			}
			inputs, err := managed.Transform(unit, &client.AgentInfo{ID: "agent-1", Version: "9.3.0"})
			require.NoError(t, err)
			require.Len(t, inputs, 1)
			require.NoError(t, check(inputs[0].Config), "the Agent's input config is a valid input")

			var got, want map[string]any
			require.NoError(t, inputs[0].Config.Unpack(&got))
			require.NoError(t, module.Unpack(&want))
			for _, k := range agentKeys {
				delete(got, k)
			}
			got["processors"] = withoutAgentProcessors(got["processors"])
			if got["processors"] == nil {
				delete(got, "processors")
			}
			assert.Equal(t, jsonRoundTrip(t, want), jsonRoundTrip(t, got))
		})
	}
}

// withoutAgentProcessors drops the add_fields processors that libbeat's
// management code adds (data_stream, event.dataset, elastic_agent, agent,
// @metadata.input_id and stream_id).
func withoutAgentProcessors(v any) any {
	procs, _ := v.([]any)
	var out []any
	for _, p := range procs {
		m, _ := p.(map[string]any)
		if af, ok := m["add_fields"].(map[string]any); ok {
			switch af["target"] {
			case "data_stream", "event", "elastic_agent", "agent", "@metadata":
				continue
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// jsonRoundTrip makes numbers and nested maps compare alike.
func jsonRoundTrip(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
