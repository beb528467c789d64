// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/certs"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

const secret = "e2e-secret-token"

func webhookConfig(port int, extra string) string {
	return fmt.Sprintf(`
filebeat.inputs:
  - type: zoom_webhook
    id: zoom-e2e
    listen_address: 127.0.0.1
    listen_port: %d
    secret_token: ${ZOOM_SECRET_TOKEN}
    ack_timeout: 1s
%s
`, port, extra)
}

func sample(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testing", "webhook", "meeting", "meeting.started.json"))
	require.NoError(t, err)
	return b
}

func TestWebhookEndToEnd(t *testing.T) {
	port, monPort := freePort(t), freePort(t)
	fb, url := startFilebeat(t, webhookConfig(port, "")+fileOutputConfig()+fmt.Sprintf(`
http.enabled: true
http.host: 127.0.0.1
http.port: %d
`, monPort), "ZOOM_SECRET_TOKEN="+secret)
	assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d/zoom", port), url)
	sender := &zoomsim.Sender{URL: url, Secret: secret}
	ctx := context.Background()

	// Zoom's URL validation challenge.
	resp, err := sender.Send(ctx, zoomsim.ValidationBody("e2e-plain-token", time.Now()))
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status)
	var crc map[string]string
	require.NoError(t, json.Unmarshal(resp.Body, &crc))
	assert.Equal(t, zoomsim.EncryptedToken(secret, "e2e-plain-token"), crc["encryptedToken"])

	// A signed notification: answered 200 only once the file output has it.
	body := sample(t)
	resp, err = sender.Send(ctx, body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	docs := fb.docs()
	require.Len(t, docs, 1, "the document is written before the 200")
	doc := docs[0]
	id, _ := get(doc, "@metadata._id").(string)
	assert.Len(t, id, 32)
	assert.Equal(t, id, get(doc, "event.id"))
	assert.Equal(t, "meeting.started", get(doc, "zoom.event"))
	assert.Equal(t, json.Number("85746263467"), get(doc, "zoom.payload.object.id"))
	assert.Equal(t, "zoom_webhook", get(doc, "input.type"))

	// Every error status, and nothing written for any of them.
	big := []byte(`{"event":"x","pad":"` + strings.Repeat("a", 2<<20) + `"}`)
	stale := &zoomsim.Sender{URL: url, Secret: secret, Now: func() time.Time { return time.Now().Add(-time.Hour) }}
	wrong := &zoomsim.Sender{URL: url, Secret: "not-the-secret"}
	for _, c := range []struct {
		name   string
		send   func() (*zoomsim.Response, error)
		status int
		msg    string
	}{
		{"unsigned", func() (*zoomsim.Response, error) { return post(url, body, nil) }, 401, "missing x-zm-request-timestamp"},
		{"wrong secret", func() (*zoomsim.Response, error) { return wrong.Send(ctx, body) }, 401, "does not match"},
		{"stale", func() (*zoomsim.Response, error) { return stale.Send(ctx, body) }, 401, "beyond signature.max_age"},
		{"malformed", func() (*zoomsim.Response, error) { return sender.Send(ctx, []byte(`{"event":`)) }, 400, "not valid JSON"},
		{"no event", func() (*zoomsim.Response, error) { return sender.Send(ctx, []byte(`{"payload":{}}`)) }, 400, `no "event" string`},
		{"not an object", func() (*zoomsim.Response, error) { return sender.Send(ctx, []byte(`[]`)) }, 400, "not an object"},
		// A client that asks before it sends a large body (Go's, with an
		// ExpectContinueTimeout) gets 413 without sending it; one that
		// sends 2 MiB regardless may see its write cut after the drain.
		{"too large", func() (*zoomsim.Response, error) {
			req, _ := sender.Request(ctx, big)
			req.Header.Set("Expect", "100-continue")
			asks := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
			return zoomsim.Do(asks, req)
		}, 413, "max_body_bytes"},
		{"encoding", func() (*zoomsim.Response, error) {
			req, _ := sender.Request(ctx, body)
			req.Header.Set("Content-Encoding", "compress")
			return zoomsim.Do(http.DefaultClient, req)
		}, 415, "not supported"},
		{"path", func() (*zoomsim.Response, error) { return post(strings.TrimSuffix(url, "/zoom")+"/other", body, nil) }, 404, "no Zoom webhook endpoint"},
		{"method", func() (*zoomsim.Response, error) {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			return zoomsim.Do(http.DefaultClient, req)
		}, 405, "not allowed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := c.send()
			require.NoError(t, err)
			assert.Equal(t, c.status, resp.Status, "%s", resp.Body)
			var m map[string]string
			require.NoError(t, json.Unmarshal(resp.Body, &m), "%s", resp.Body)
			assert.Contains(t, m["message"], c.msg)
		})
	}
	assert.Len(t, fb.docs(), 1, "no rejected request was written")

	// Zoom's retry: the same body, re-signed later, gets the same _id.
	retry := &zoomsim.Sender{URL: url, Secret: secret, Now: func() time.Time { return time.Now().Add(90 * time.Second) }}
	resp, err = retry.Send(ctx, body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status)
	docs = fb.docs()
	require.Len(t, docs, 2)
	assert.Equal(t, id, get(docs[1], "@metadata._id"))

	// The input's metrics at Filebeat's /inputs/ endpoint.
	m := inputMetrics(t, monPort, "zoom-e2e")
	assert.EqualValues(t, 2, m["events_acked_total"])
	assert.EqualValues(t, 1, m["crc_challenges_total"])
	assert.EqualValues(t, 3, m["signature_failures_total"])
	byStatus, _ := m["requests_by_status"].(map[string]any)
	assert.EqualValues(t, 3, byStatus["200"])
	assert.EqualValues(t, 3, byStatus["401"])

	code, took := fb.stop()
	assert.Equal(t, 0, code, "clean exit on SIGTERM")
	assert.Less(t, took, 10*time.Second)
	assert.Contains(t, fb.logs(), "Stopping the Zoom webhook listener")
	assert.NotContains(t, fb.logs(), secret, "the secret is never logged")
	assert.NotContains(t, fb.logs(), "Quarterly security review", "bodies are not logged at info")
}

func post(url string, body []byte, hdr http.Header) (*zoomsim.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	return zoomsim.Do(http.DefaultClient, req)
}

func inputMetrics(t *testing.T, port int, id string) map[string]any {
	t.Helper()
	return findInput(t, port, func(m map[string]any) bool { return m["id"] == id })
}

// inputMetricsBySuffix finds an input whose id ends with suffix (Filebeat
// names a module's inputs, and input-cursor appends the source).
func inputMetricsBySuffix(t *testing.T, port int, suffix string) map[string]any {
	t.Helper()
	return findInput(t, port, func(m map[string]any) bool {
		id, _ := m["id"].(string)
		return strings.HasSuffix(id, suffix)
	})
}

// inputMetricsOfType finds the (one) input of a type.
func inputMetricsOfType(t *testing.T, port int, typ string) map[string]any {
	t.Helper()
	return findInput(t, port, func(m map[string]any) bool { return m["input"] == typ })
}

func findInput(t *testing.T, port int, match func(metrics map[string]any) bool) map[string]any {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/inputs/", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var all []map[string]any
	require.NoError(t, json.Unmarshal(b, &all), "%s", b)
	for _, m := range all {
		if match(m) {
			return m
		}
	}
	t.Fatalf("no such input at /inputs/: %s", b)
	return nil
}

// listenerTLS is the webhook input's ssl settings (indented for
// webhookConfig) with a self-signed certificate, and the pool that trusts it.
func listenerTLS(t *testing.T) (string, *x509.CertPool) {
	t.Helper()
	certFile, keyFile, pool, err := certs.SelfSigned(t.TempDir())
	require.NoError(t, err)
	return fmt.Sprintf("    ssl.enabled: true\n    ssl.certificate: %s\n    ssl.key: %s", certFile, keyFile), pool
}

func TestWebhookOverHTTPS(t *testing.T) {
	ssl, pool := listenerTLS(t)
	port := freePort(t)
	fb, url := startFilebeat(t, webhookConfig(port, ssl+`
    mapping: {redact_secrets: true}
`)+fileOutputConfig(), "ZOOM_SECRET_TOKEN="+secret)
	require.True(t, strings.HasPrefix(url, "https://"), url)

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	sender := &zoomsim.Sender{URL: url, Secret: secret, Client: client}
	resp, err := sender.Send(context.Background(), zoomsim.ValidationBody("tls-token", time.Now()))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	resp, err = sender.Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status, "%s", resp.Body)
	require.Len(t, fb.docs(), 1)
	// The bare input with its mapping turned on in one line.
	doc := fb.docs()[0]
	assert.Equal(t, "meeting.started", get(doc, "event.action"))
	assert.Equal(t, "85746263467", get(doc, "zoom.meeting.id"))
	assert.Nil(t, get(doc, "zoom.event"), "the raw body is replaced by the mapping")

	_, err = http.Post(url, "application/json", bytes.NewReader(sample(t)))
	assert.Error(t, err, "a client that does not trust the certificate cannot connect")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

func TestWebhookACKTimeoutWhenOutputIsDown(t *testing.T) {
	port, esPort := freePort(t), freePort(t) // nothing listens on esPort
	fb, url := startFilebeat(t, webhookConfig(port, "")+"queue.mem.flush.timeout: 0s\n"+unreachableES(esPort), "ZOOM_SECRET_TOKEN="+secret)
	sender := &zoomsim.Sender{URL: url, Secret: secret}

	start := time.Now()
	resp, err := sender.Send(context.Background(), sample(t))
	took := time.Since(start)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.Status, "%s", resp.Body)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Contains(t, string(resp.Body), "ack_timeout 1s")
	assert.GreaterOrEqual(t, took, time.Second)
	assert.Less(t, took, 3*time.Second, "answered before Zoom's 3 s deadline")

	// The challenge needs no output and is still answered at once.
	resp, err = sender.Send(context.Background(), zoomsim.ValidationBody("t", time.Now()))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)

	code, took := fb.stop()
	assert.Equal(t, 0, code)
	assert.Less(t, took, 15*time.Second)
}

// TestShippedDefaultConfig runs the repository's filebeat.yml, as the
// README's first command does (the zoom module, the file output under
// path.data), and posts the README's sample with zoomsend's sender.
func TestShippedDefaultConfig(t *testing.T) {
	cfg, err := os.ReadFile(filepath.Join(repoRoot(), "filebeat.yml"))
	require.NoError(t, err)
	port := freePort(t)
	cfg = bytes.Replace(cfg, []byte("var.listen_port: 8181"), []byte("var.listen_port: "+itoa(port)), 1)
	fb, url := startWithModules(t, string(cfg), nil)
	assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d/zoom", port), url)

	// Without ZOOM_SECRET_TOKEN the development secret applies.
	sender := &zoomsim.Sender{URL: url, Secret: contract.DevelopmentSecret}
	resp, err := sender.Send(context.Background(), sample(t))
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)

	files, _ := filepath.Glob(filepath.Join(fb.home, "data", "out", "zoom*.ndjson"))
	require.Len(t, files, 1, "output.file under path.data/out")
	b, _ := os.ReadFile(files[0])
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, "meeting.started", get(doc, "event.action"), "mapped by the module's zoom processor")
	assert.Equal(t, "85746263467", get(doc, "zoom.meeting.id"))
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// unreachableES is an Elasticsearch output to a loopback port where nothing
// listens: the output is down.
func unreachableES(port int) string {
	return fmt.Sprintf(`
output.elasticsearch:
  hosts: ["http://127.0.0.1:%d"]
  backoff.init: 100ms
  backoff.max: 1s
setup.ilm.enabled: false
setup.template.enabled: false
logging.level: info
`, port)
}
