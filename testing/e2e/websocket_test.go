// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-client/v7/pkg/proto"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/elasticsim"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

const wsSub = "sub-e2e"

var wsConnected = regexp.MustCompile(`Connected to Zoom's (WebSocket) event subscription`)

// wsServer is the stand-in with the subscription and the app's credentials.
func wsServer(t *testing.T) *zoomsim.ReportServer {
	s := zoomsim.NewReportServer("acct-e2e", "client-e2e", "secret-e2e")
	t.Cleanup(s.Close)
	s.AddSubscription(wsSub)
	return s
}

// wsModuleConfig runs the module's websocket fileset against the stand-in,
// with more vars (var.<name>: value, indented) and the output given.
func wsModuleConfig(s *zoomsim.ReportServer, monPort int, vars, output string) string {
	return fmt.Sprintf(`
http.enabled: true
http.host: 127.0.0.1
http.port: %d
filebeat.modules:
  - module: zoom
    webhook:
      enabled: false
    websocket:
      enabled: true
      var.url: %s
      var.client_id: ${ZOOM_CLIENT_ID}
      var.client_secret: ${ZOOM_CLIENT_SECRET}
      var.oauth_url: %s/oauth/token
      var.backoff_init: 200ms
      var.backoff_max: 2s
%s`, monPort, s.WebSocketURL(wsSub), s.URL(), vars) + output
}

func startWebSocket(t *testing.T, config, clientSecret string) (*filebeat, string) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "filebeat.yml"), config)
	fb, _ := startUntil(t, dir, []string{"ZOOM_CLIENT_ID=client-e2e", "ZOOM_CLIENT_SECRET=" + clientSecret}, wsConnected,
		"--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"))
	return fb, dir
}

// wsMetric is a counter of the zoom_websocket input at /inputs/.
func wsMetric(t *testing.T, port int, name string) float64 {
	t.Helper()
	var v any = inputMetricsOfType(t, port, contract.WebSocketInput)
	for _, k := range strings.Split(name, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	f, _ := v.(float64)
	return f
}

// Every sample notification, sent through the stand-in's WebSocket, arrives
// once and mapped: the golden document of the webhook path, but for what
// names the fileset (event.dataset zoom.websocket) and input.type.
func TestWebSocketEventsArriveAsTheWebhooksGoldens(t *testing.T) {
	zoom := wsServer(t)
	mon := freePort(t)
	fb, _ := startWebSocket(t, wsModuleConfig(zoom, mon, "", fileOutputConfig()), "secret-e2e")
	samples, err := zoomsim.SamplePaths(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	golden := map[string]map[string]any{}
	names := map[string]string{}
	for _, path := range samples {
		body, err := os.ReadFile(path)
		require.NoError(t, err)
		require.True(t, zoom.Publish(wsSub, body), "the stand-in has the input's connection")
		id := contract.DeliveryID(body)
		golden[id] = readJSON(t, strings.TrimSuffix(path, ".json")+".expected.json")
		names[id] = filepath.Base(path)
	}
	require.Greater(t, len(golden), 80)
	require.Eventually(t, func() bool { return len(fb.docs()) >= len(golden) }, 30*time.Second, 50*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // nothing more comes
	docs := fb.docs()
	require.Len(t, docs, len(golden), "one document per event")
	seen := map[string]bool{}
	for _, doc := range docs {
		id, _ := get(doc, "@metadata._id").(string)
		want, ok := golden[id]
		require.True(t, ok, "document with unknown _id %q", id)
		assert.False(t, seen[id], "%s twice", names[id])
		seen[id] = true
		assert.Equal(t, "zoom_websocket", get(doc, "input.type"))
		assert.Equal(t, "zoom.websocket", get(doc, "event.dataset"), names[id])
		assert.Equal(t, "filebeat-9.3.0-zoom-websocket-pipeline", get(doc, "@metadata.pipeline"))
		want = jsonClone(want)
		want["event"].(map[string]any)["dataset"] = "zoom.websocket"
		for _, d := range diffIgnoringReceipt(doc, want) {
			t.Errorf("%s: %s", names[id], d)
		}
	}
	assert.EqualValues(t, len(golden), wsMetric(t, mon, "events_published_total"))
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

func jsonClone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// One notification by webhook and by WebSocket, in one Filebeat with both
// inputs mapping: the same document, but for input.type.
func TestWebhookAndWebSocketGiveTheSameDocument(t *testing.T) {
	zoom := wsServer(t)
	port := freePort(t)
	config := fmt.Sprintf(`
filebeat.inputs:
  - type: zoom_webhook
    listen_address: 127.0.0.1
    listen_port: %d
    secret_token: %s
    mapping: {redact_secrets: true}
  - type: zoom_websocket
    url: %s
    client_id: client-e2e
    client_secret: secret-e2e
    oauth_url: %s/oauth/token
    mapping: {redact_secrets: true}
`, port, secret, zoom.WebSocketURL(wsSub), zoom.URL()) + fileOutputConfig()
	fb, url := startFilebeat(t, config)
	require.Eventually(t, func() bool { return strings.Contains(fb.logs(), "Connected to Zoom's WebSocket") }, 20*time.Second, 20*time.Millisecond)
	body := sample(t)
	resp, err := (&zoomsim.Sender{URL: url, Secret: secret}).Send(context.Background(), body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	require.True(t, zoom.Publish(wsSub, body))
	require.Eventually(t, func() bool { return len(fb.docs()) == 2 }, 20*time.Second, 20*time.Millisecond)
	docs := fb.docs()
	byInput := map[any]map[string]any{}
	for _, d := range docs {
		byInput[get(d, "input.type")] = d
	}
	hook, ws := byInput["zoom_webhook"], byInput["zoom_websocket"]
	require.NotNil(t, hook)
	require.NotNil(t, ws)
	assert.Equal(t, contract.DeliveryID(body), get(ws, "@metadata._id"))
	assert.Equal(t, get(hook, "@metadata._id"), get(ws, "@metadata._id"))
	for _, d := range diffIgnoringReceipt(ws, hook) {
		t.Errorf("the WebSocket document differs: %s", d)
	}
	assert.NotEmpty(t, get(ws, "event.action"), "mapped")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// Heartbeats at the configured interval; a server-side close leads to a
// reconnect within the backoff, logged and counted as a gap; token expiry
// (by a close, by an error message) to a new token and connection; a stalled
// server is given up within two heartbeat intervals.
func TestWebSocketConnectionLifecycle(t *testing.T) {
	zoom := wsServer(t)
	mon := freePort(t)
	fb, _ := startWebSocket(t, wsModuleConfig(zoom, mon, "      var.heartbeat_interval: 500ms\n", fileOutputConfig()), "secret-e2e")

	// Heartbeats.
	require.Eventually(t, func() bool { return len(zoom.Heartbeats(wsSub)) >= 5 }, 10*time.Second, 20*time.Millisecond)
	beats := zoom.Heartbeats(wsSub)
	for i := 1; i < len(beats); i++ {
		assert.InDelta(t, 500, beats[i].Sub(beats[i-1]).Milliseconds(), 150, "heartbeat %d", i)
	}

	connects := func() int { return zoom.Connects(wsSub) }
	deliver := func(i int) {
		t.Helper()
		body := fmt.Appendf(nil, `{"event":"user.signed_in","event_ts":%d,"payload":{"account_id":"acct-e2e","object":{"id":"u%d","email":"u%d@example.com"}}}`, time.Now().UnixMilli(), i, i)
		require.True(t, zoom.Publish(wsSub, body))
		id := contract.DeliveryID(body)
		require.Eventually(t, func() bool { return countByID(fb.docs())[id] == 1 }, 10*time.Second, 20*time.Millisecond, "event %d", i)
	}
	deliver(0)

	// A server-side close.
	lost := time.Now()
	zoom.Disconnect(wsSub, true)
	require.Eventually(t, func() bool { return connects() == 2 }, 5*time.Second, 5*time.Millisecond)
	assert.Less(t, time.Since(lost), 2500*time.Millisecond, "reconnected within backoff.max")
	require.Eventually(t, func() bool { return strings.Contains(fb.logs(), "No WebSocket connection to Zoom from") }, 5*time.Second, 20*time.Millisecond)
	assert.Regexp(t, `(?i)"log.level":"warn[^"]*"[^\n]*No WebSocket connection to Zoom from`, fb.logs())
	deliver(1)

	// Token expiry, told by a close and by an error message.
	for i, asError := range []bool{false, true} {
		tokens, before := zoom.TokenRequests(), connects()
		zoom.ExpireOpenConnections(asError)
		require.Eventually(t, func() bool { return connects() == before+1 }, 5*time.Second, 5*time.Millisecond, "as error %v", asError)
		assert.Greater(t, zoom.TokenRequests(), tokens, "a new token")
		deliver(2 + i)
	}

	// A stalled server.
	before := connects()
	zoom.StallHeartbeats(wsSub, true)
	stalled := time.Now()
	require.Eventually(t, func() bool { return wsMetric(t, mon, "disconnects_total.silent") == 1 }, 5*time.Second, 20*time.Millisecond)
	// The last answer came at most one interval before the stall, and the
	// check runs every quarter interval; the metrics poll adds its own.
	assert.Less(t, time.Since(stalled), 1500*time.Millisecond, "given up within two intervals")
	zoom.StallHeartbeats(wsSub, false)
	require.Eventually(t, func() bool { return connects() == before+1 }, 5*time.Second, 5*time.Millisecond)
	deliver(4)

	assert.Equal(t, 5.0, wsMetric(t, mon, "connects_total"))
	assert.Equal(t, 4.0, wsMetric(t, mon, "reconnects_total"))
	assert.Greater(t, wsMetric(t, mon, "gap_seconds_total"), 0.0)
	assert.GreaterOrEqual(t, wsMetric(t, mon, "heartbeats_total"), 5.0)
	assert.Equal(t, 5.0, wsMetric(t, mon, "events_published_total"))
	assert.Equal(t, 5.0, wsMetric(t, mon, "events_acked_total"))
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// Credentials Zoom refuses: the input says so with Zoom's words, and tries
// at most once per half of backoff.max, not in a loop; once Zoom accepts
// them again it connects.
func TestWebSocketRefusedCredentialsRetryAtTheCap(t *testing.T) {
	zoom := wsServer(t)
	zoom.RefuseTokens(true)
	mon := freePort(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "filebeat.yml"), wsModuleConfig(zoom, mon, "", fileOutputConfig()))
	fb, _ := startUntil(t, dir, []string{"ZOOM_CLIENT_ID=client-e2e", "ZOOM_CLIENT_SECRET=secret-e2e"}, regexp.MustCompile(`(Zoom refused) the WebSocket connection`),
		"--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"))
	assert.Contains(t, fb.logs(), "build_connection failed: Invalid Token")
	tokens := zoom.TokenRequests()
	time.Sleep(6 * time.Second)
	// Each attempt tries its token and one fresh one; backoff.max 2s waits
	// between 1 s and 2 s at the cap.
	attempts := (zoom.TokenRequests() - tokens) / 2
	t.Logf("%d attempts in 6 s at backoff.max 2s", attempts)
	assert.LessOrEqual(t, attempts, 7)
	assert.GreaterOrEqual(t, attempts, 3)
	zoom.RefuseTokens(false)
	require.Eventually(t, func() bool { return zoom.Connects(wsSub) == 1 }, 5*time.Second, 20*time.Millisecond)
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// 10,000 events in a burst while the Elasticsearch output answers each bulk
// of 200 events after 200 ms: none lost or doubled, heartbeats keep their pace, and the
// peak RSS is stated.
func TestWebSocketBurstWithSlowOutputLosesNothing(t *testing.T) {
	zoom := wsServer(t)
	es := elasticsim.New()
	t.Cleanup(es.Close)
	es.SetBulkDelay(200 * time.Millisecond)
	mon := freePort(t)
	output := fmt.Sprintf(`
setup.template.enabled: false
setup.ilm.enabled: false
output.elasticsearch:
  hosts: [%q]
  bulk_max_size: 200
logging.level: info
`, es.URL)
	fb, _ := startWebSocket(t, wsModuleConfig(zoom, mon, "      var.heartbeat_interval: 1s\n", output), "secret-e2e")
	const n = 10000
	ids := make([]string, n)
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range n {
			body := fmt.Appendf(nil, `{"event":"meeting.participant_joined","event_ts":%d,"payload":{"account_id":"acct-e2e","object":{"id":"8%09d","uuid":"u%d","host_id":"h","participant":{"user_id":"p%d","user_name":"P %d","join_time":"2026-12-04T10:00:00Z"}}}}`, 1764842400000+int64(i), i, i, i, i)
			ids[i] = contract.DeliveryID(body)
			if !zoom.Publish(wsSub, body) {
				t.Errorf("event %d: the stand-in's write failed", i)
				return
			}
		}
	}()
	wg.Wait()
	sent := time.Since(start)
	require.Eventually(t, func() bool { return len(es.IDs()) >= n }, 120*time.Second, 100*time.Millisecond, "indexed %d of %d", len(es.IDs()), n)
	took := time.Since(start)
	got := es.IDs()
	for i, id := range ids {
		assert.Equal(t, 1, got[id], "event %d", i)
	}
	assert.Len(t, got, n)
	// Heartbeats kept their 1 s pace while the queue was full.
	var beats []time.Time
	for _, b := range zoom.Heartbeats(wsSub) {
		if b.After(start) && b.Before(start.Add(took)) {
			beats = append(beats, b)
		}
	}
	for i := 1; i < len(beats); i++ {
		assert.Less(t, beats[i].Sub(beats[i-1]), 1500*time.Millisecond, "heartbeat %d", i)
	}
	assert.Equal(t, 1, zoom.Connects(wsSub), "one connection throughout")
	assert.Equal(t, 0.0, wsMetric(t, mon, "disconnects_total.silent"))
	peak := peakRSSOf(t, fb.cmd.Process.Pid)
	t.Logf("10,000 events: sent in %v, all indexed after %v, %d heartbeats meanwhile, peak RSS %d MiB", sent.Round(time.Millisecond), took.Round(time.Millisecond), len(beats), peak>>20)
	assert.Less(t, peak, int64(300<<20), "peak RSS")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// Under Elastic Agent, a zoom_websocket unit from the package's stream is
// HEALTHY while connected, DEGRADED while Zoom's endpoint fails (with the
// reason), FAILED while Zoom refuses the token (with Zoom's words), and
// HEALTHY again once it connects; its events reach the data stream.
func TestManagedWebSocketStates(t *testing.T) {
	zoom := wsServer(t)
	dir := t.TempDir()
	unit := policyUnit(t, contract.WebSocketInput, "websocket", policyStream(t, "websocket", map[string]any{
		"url": zoom.WebSocketURL(wsSub), "client_id": "client-e2e", "client_secret": "secret-e2e",
		"oauth_url": zoom.URL() + "/oauth/token", "backoff_init": "100ms", "backoff_max": "1s", "tags": []any{"zoom-websocket"},
	}))
	agent := newAgentStub(t, fileOutputUnit(t, dir), unit)
	writeFile(t, filepath.Join(dir, "filebeat.yml"), "logging.level: info\n")
	fb, _ := startUntil(t, dir, nil, wsConnected,
		"--path.home", dir, "-E", "management.enabled=true",
		"-E", fmt.Sprintf("management.insecure_grpc_url_for_testing=localhost:%d", agent.server.Port))
	agent.waitState(t, unit.Id, proto.State_HEALTHY)
	body := sample(t)
	require.True(t, zoom.Publish(wsSub, body))
	require.Eventually(t, func() bool { return len(fb.docs()) == 1 }, 20*time.Second, 50*time.Millisecond)
	doc := fb.docs()[0]
	assert.Equal(t, "zoombeat.websocket", get(doc, "data_stream.dataset"))
	assert.Equal(t, "zoombeat.websocket", get(doc, "event.dataset"))
	assert.Equal(t, contract.DeliveryID(body), get(doc, "@metadata._id"))

	zoom.Fail("/ws", 503, 1000, "")
	zoom.Disconnect(wsSub, false)
	agent.waitState(t, unit.Id, proto.State_DEGRADED)
	_, msg := agent.state(unit.Id)
	assert.Contains(t, msg, "reconnecting to Zoom")

	zoom.ClearFaults()
	zoom.RefuseTokens(true)
	agent.waitState(t, unit.Id, proto.State_FAILED)
	_, msg = agent.state(unit.Id)
	assert.Contains(t, msg, "Invalid Token")

	zoom.RefuseTokens(false)
	agent.waitState(t, unit.Id, proto.State_HEALTHY)
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}
