// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-client/v7/pkg/proto"

	"github.com/zoombeat/zoombeat/testing/elasticsim"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// fittedLog is what the binary logs when it replaces the balanced preset's
// flush timeout (internal/queuefit).
const fittedLog = `output.elasticsearch.preset \"balanced\" sets queue.mem.flush.timeout 10s`

// quietDeliveries sends what a quiet Zoom account sends: after 5 s of quiet,
// one notification, then ten more 2 s apart, each different. Every one must
// be answered 200 within 1 s: with the balanced preset's 10 s flush timeout
// each would wait for its batch and get 503 after ack_timeout.
func quietDeliveries(t *testing.T, url string) {
	t.Helper()
	sender := &zoomsim.Sender{URL: url, Secret: secret}
	var event map[string]any
	require.NoError(t, json.Unmarshal(sample(t), &event))
	time.Sleep(5 * time.Second)
	for i := range 11 {
		if i > 0 {
			time.Sleep(2 * time.Second)
		}
		event["event_ts"] = time.Now().UnixMilli()
		body, err := json.Marshal(event)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		resp, err := sender.Send(ctx, body)
		took := time.Since(start)
		cancel()
		require.NoError(t, err, "notification %d", i)
		assert.Equal(t, 200, resp.Status, "notification %d: %s", i, resp.Body)
		assert.Less(t, took, time.Second, "notification %d was answered after %v", i, took)
	}
}

// esOutputUnit is the output unit Fleet sends for its default Elasticsearch
// output: the balanced preset, nothing about the queue.
func esOutputUnit(t *testing.T, es *elasticsim.Server) *proto.UnitExpected {
	return &proto.UnitExpected{
		Id: "output-default", Type: proto.UnitType_OUTPUT, ConfigStateIdx: 1,
		State: proto.State_HEALTHY, LogLevel: proto.UnitLogLevel_INFO,
		Config: &proto.UnitExpectedConfig{
			Id: "default", Type: "elasticsearch", Name: "default",
			Source: mustStruct(t, map[string]any{
				"type": "elasticsearch", "hosts": []any{es.URL}, "preset": "balanced",
				"api_key": "fleet-output-id:fleet-output-key",
			}),
		},
	}
}

// TestManagedBalancedPresetAnswersInTime runs the binary under the Agent's
// stub with Fleet's default output (Elasticsearch, preset balanced, played
// by elasticsim): quiet-time notifications are answered 200 within a
// second, the fit is logged, and every document reaches Elasticsearch.
func TestManagedBalancedPresetAnswersInTime(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	es := elasticsim.New()
	t.Cleanup(es.Close)
	agent := newAgentStub(t, esOutputUnit(t, es), webhookUnit(t, port))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("logging.level: info\n"), 0o600))
	fb, _ := startUntil(t, dir, nil, listening,
		"--path.home", dir, "-E", "management.enabled=true",
		"-E", fmt.Sprintf("management.insecure_grpc_url_for_testing=localhost:%d", agent.server.Port))
	agent.waitState(t, "zoom_webhook-zoombeat-policy1", proto.State_HEALTHY)
	agent.waitState(t, "output-default", proto.State_HEALTHY)

	quietDeliveries(t, fmt.Sprintf("http://127.0.0.1:%d/zoom", port))
	assert.Len(t, es.Docs(), 11, "every notification answered 200 is in Elasticsearch")
	state, msg := agent.state("zoom_webhook-zoombeat-policy1")
	assert.Equal(t, proto.State_HEALTHY, state, "no late ACKs: %s", msg)
	assert.Contains(t, fb.logs(), fittedLog)
	assert.Contains(t, fb.logs(), "bulk_max_size 1600", "the preset's other settings are kept, and said so")
	for _, b := range es.Bulks() {
		assert.True(t, b.Compressed, "the preset's compression_level 1 is kept")
	}
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// TestStandaloneBalancedPresetAnswersInTime is the same with a standalone
// filebeat.yml whose Elasticsearch output sets preset: balanced, as
// libbeat's own default template does.
func TestStandaloneBalancedPresetAnswersInTime(t *testing.T) {
	port := freePort(t)
	es := elasticsim.New()
	t.Cleanup(es.Close)
	fb, url := startFilebeat(t, webhookConfig(port, "")+fmt.Sprintf(`
output.elasticsearch:
  hosts: [%q]
  preset: balanced
logging.level: info
`, es.URL), "ZOOM_SECRET_TOKEN="+secret)

	quietDeliveries(t, url)
	assert.Len(t, es.Docs(), 11, "every notification answered 200 is in Elasticsearch")
	assert.Contains(t, fb.logs(), fittedLog)
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}
