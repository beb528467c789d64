// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

var reportsReady = regexp.MustCompile(`(No cursor for report|Resuming report) (\w+)`)

func reportsConfig(server *zoomsim.ReportServer, monPort int) string {
	fileset := func(name string) string {
		return fmt.Sprintf(`
    %s:
      enabled: true
      var.account_id: ${ZOOM_ACCOUNT_ID}
      var.client_id: ${ZOOM_CLIENT_ID}
      var.client_secret: ${ZOOM_CLIENT_SECRET}
      var.api_url: %[2]s/v2
      var.oauth_url: %[2]s/oauth/token
      var.interval: 1s
      var.page_size: 4
      var.detections: true`, name, server.URL())
	}
	return fmt.Sprintf(`
http.enabled: true
http.host: 127.0.0.1
http.port: %d
filebeat.modules:
  - module: zoom
    webhook:
      enabled: false`, monPort) + fileset("operationlogs") + fileset("activities") + fileset("meeting_activities") + `
filebeat.registry.flush: 0s
` + fileOutputConfig()
}

// sampleCount is the number of report samples (entries) under
// testing/reports/<report>, read as the stand-in reads them.
func sampleCount(t *testing.T, report string) int {
	t.Helper()
	entries, err := zoomsim.SampleEntries(filepath.Join(repoRoot(), "testing", "reports", report), time.Now(), time.Hour)
	require.NoError(t, err)
	return len(entries)
}

func reportsServer(t *testing.T) *zoomsim.ReportServer {
	s := zoomsim.NewReportServer("acct-e2e", "client-e2e", "secret-e2e")
	t.Cleanup(s.Close)
	now := time.Now()
	ops, err := zoomsim.SampleEntries(filepath.Join(repoRoot(), "testing", "reports", "operationlogs"), now.Add(-time.Hour), 4*24*time.Hour)
	require.NoError(t, err)
	s.AddOperationLogs(ops...)
	acts, err := zoomsim.SampleEntries(filepath.Join(repoRoot(), "testing", "reports", "activities"), now.Add(-time.Hour), 3*24*time.Hour)
	require.NoError(t, err)
	s.AddActivities(acts...)
	meetings, err := zoomsim.SampleEntries(filepath.Join(repoRoot(), "testing", "reports", "meeting_activities"), now.Add(-time.Hour), 3*24*time.Hour)
	require.NoError(t, err)
	s.AddMeetingActivities(meetings...)
	return s
}

func startReports(t *testing.T, dir string, server *zoomsim.ReportServer, secret string) *filebeat {
	t.Helper()
	env := []string{"ZOOM_ACCOUNT_ID=acct-e2e", "ZOOM_CLIENT_ID=client-e2e", "ZOOM_CLIENT_SECRET=" + secret}
	fb, _ := startUntil(t, dir, env, reportsReady,
		"--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"))
	return fb
}

// waitPolls waits until both reports were read n more times.
func waitPolls(t *testing.T, s *zoomsim.ReportServer, n int) {
	t.Helper()
	ops, acts := s.Requests("/v2/report/operationlogs", 200), s.Requests("/v2/report/activities", 200)
	require.Eventually(t, func() bool {
		return s.Requests("/v2/report/operationlogs", 200) >= ops+n && s.Requests("/v2/report/activities", 200) >= acts+n
	}, 30*time.Second, 50*time.Millisecond)
}

func countByID(docs []map[string]any) map[string]int {
	out := map[string]int{}
	for _, d := range docs {
		id, _ := get(d, "@metadata._id").(string)
		out[id]++
	}
	return out
}

func TestReportsEndToEnd(t *testing.T) {
	server := reportsServer(t)
	// The first reads meet a rate limit and a server error: both survived.
	server.Fail("/v2/report/activities", http.StatusTooManyRequests, 1, "1")
	server.Fail("/v2/report/operationlogs", http.StatusServiceUnavailable, 1, "")
	dir := t.TempDir()
	monPort := freePort(t)
	writeFile(t, filepath.Join(dir, "filebeat.yml"), reportsConfig(server, monPort))

	// First run: the backfill.
	fb := startReports(t, dir, server, "secret-e2e")
	nOps, nActs, nMeet := sampleCount(t, "operationlogs"), sampleCount(t, "activities"), sampleCount(t, "meeting_activities")
	all := nOps + nActs + nMeet
	require.Eventually(t, func() bool { return len(fb.docs()) >= all }, 60*time.Second, 100*time.Millisecond, "every entry of the three reports")
	waitPolls(t, server, 2)
	docs := fb.docs()
	require.Len(t, docs, all)
	for id, n := range countByID(docs) {
		assert.Equal(t, 1, n, "entry %s published %d times", id, n)
	}
	assert.Equal(t, 1, server.Requests("/v2/report/activities", 429))
	assert.Equal(t, 1, server.Requests("/v2/report/operationlogs", 503))
	datasets := map[any]int{}
	for _, d := range docs {
		datasets[get(d, "event.dataset")]++
	}
	assert.Equal(t, map[any]int{"zoom.operationlogs": nOps, "zoom.activities": nActs, "zoom.meeting_activities": nMeet}, datasets)
	found := false
	for _, d := range docs {
		if get(d, "event.action") == "role.assign" {
			found = true
			assert.Equal(t, "jchill@example.com", get(d, "user.target.email"))
			assert.Equal(t, []any{"user", "change", "admin"}, get(d, "event.type"))
			assert.Equal(t, []any{"Zoom user granted an admin or owner role"}, get(d, "rule.name"), "var.detections runs the rules")
			assert.Contains(t, get(d, "tags"), "detection")
		}
	}
	assert.True(t, found, "the role grant is mapped")

	// Each report's metrics at Filebeat's /inputs/ endpoint.
	// The account id is a credential: the cursor and the logs name the
	// account by 12 hex digits of its SHA-256.
	sum := sha256.Sum256([]byte("acct-e2e"))
	account := hex.EncodeToString(sum[:6])
	assert.NotContains(t, fb.logs(), "acct-e2e", "the account id stays out of the logs")
	acts := inputMetricsBySuffix(t, monPort, "::activities::"+account)
	assert.EqualValues(t, nActs, acts["events_published_total"])
	assert.EqualValues(t, 1, acts["rate_limit_waits_total"])
	assert.EqualValues(t, 1, acts["token_refreshes_total"])
	assert.NotEmpty(t, acts["cursor_since"])
	ops := inputMetricsBySuffix(t, monPort, "::operationlogs::"+account)
	assert.EqualValues(t, nOps, ops["events_published_total"])
	assert.EqualValues(t, 1, ops["retries_total"])
	assert.GreaterOrEqual(t, ops["pages_total"], float64(4))
	code, _ := fb.stop()
	require.Equal(t, 0, code)

	// Restart: the cursor in the registry means nothing is published twice.
	fb = startReports(t, dir, server, "secret-e2e")
	assert.Eventually(t, func() bool {
		return strings.Contains(fb.logs(), "Resuming report operationlogs") && strings.Contains(fb.logs(), "Resuming report activities")
	}, 10*time.Second, 50*time.Millisecond, "both reports resume from the registry")
	waitPolls(t, server, 2)
	assert.Len(t, fb.docs(), all, "nothing published again after a restart")

	// An entry appearing today is picked up exactly once.
	server.AddActivities(map[string]any{"email": "new.user@example.com", "time": time.Now().UTC().Format(time.RFC3339),
		"type": "Sign in", "ip_address": "203.0.113.99", "client_type": "Browser", "version": "-"})
	require.Eventually(t, func() bool { return len(fb.docs()) == all+1 }, 30*time.Second, 100*time.Millisecond)
	waitPolls(t, server, 3)
	docs = fb.docs()
	assert.Len(t, docs, all+1)
	for id, n := range countByID(docs) {
		assert.Equal(t, 1, n, "entry %s published %d times", id, n)
	}
	code, _ = fb.stop()
	assert.Equal(t, 0, code)
}

func TestReportsWrongCredentials(t *testing.T) {
	server := reportsServer(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "filebeat.yml"), reportsConfig(server, freePort(t)))
	fb := startReports(t, dir, server, "not-the-secret")
	require.Eventually(t, func() bool {
		return regexp.MustCompile(`Polling Zoom report (operationlogs|activities) failed: Zoom refused the OAuth token request \(HTTP 401, invalid_client\): Invalid client_id or client_secret`).MatchString(fb.logs())
	}, 30*time.Second, 100*time.Millisecond)
	assert.Empty(t, fb.docs())
	assert.NotContains(t, fb.logs(), "not-the-secret", "credentials never appear in logs")
	code, _ := fb.stop()
	assert.Equal(t, 0, code, "a failing report does not bring Filebeat down")
}
