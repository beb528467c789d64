// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"context"
	"errors"
	"fmt"
	"golang.org/x/time/rate"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp/logptest"

	"github.com/zoombeat/zoombeat/input/zoomoauth"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// fakePublisher stands in for input-cursor's publisher: it records events
// and keeps the last cursor update, as the registry would once acked.
type fakePublisher struct {
	mu      sync.Mutex
	events  []beat.Event
	updates int
	cursor  state
}

func (p *fakePublisher) Publish(ev beat.Event, update any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, ev)
	if update != nil {
		p.updates++
		p.cursor = update.(state)
	}
	return nil
}

func (p *fakePublisher) ids() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for _, e := range p.events {
		out[e.Meta["_id"].(string)]++
	}
	return out
}

type rig struct {
	t      *testing.T
	server *zoomsim.ReportServer
	cfg    config
	pub    *fakePublisher
	sleeps []time.Duration
	nOps   int // operation-log entries the stand-in holds
	nMeet  int // meeting activity entries, over 40 days: two month windows
}

func newRig(t *testing.T) *rig {
	s := zoomsim.NewReportServer("acct", "cid", "csecret")
	t.Cleanup(s.Close)
	now := time.Now()
	ops, err := zoomsim.SampleEntries(filepath.Join("..", "..", "testing", "reports", "operationlogs"), now.Add(-time.Hour), 4*24*time.Hour)
	require.NoError(t, err)
	s.AddOperationLogs(ops...)
	acts, err := zoomsim.SampleEntries(filepath.Join("..", "..", "testing", "reports", "activities"), now.Add(-time.Hour), 3*24*time.Hour)
	require.NoError(t, err)
	s.AddActivities(acts...)
	meetings, err := zoomsim.SampleEntries(filepath.Join("..", "..", "testing", "reports", "meeting_activities"), now.Add(-time.Hour), 40*24*time.Hour)
	require.NoError(t, err)
	s.AddMeetingActivities(meetings...)

	cfg := defaultConfig()
	cfg.AccountID, cfg.ClientID, cfg.ClientSecret = "acct", "cid", "csecret"
	cfg.APIURL, cfg.OAuthURL = s.URL()+"/v2", s.URL()+"/oauth/token"
	cfg.PageSize = 4
	return &rig{t: t, server: s, cfg: cfg, pub: &fakePublisher{}, nOps: len(ops), nMeet: len(meetings)}
}

// poller builds a poller for report resuming from st, as Run does.
func (r *rig) poller(report string, st state) *poller {
	log := logptest.NewTestingLogger(r.t, "")
	m := newInputMetrics(nil)
	in := &input{cfg: r.cfg}
	hc, err := in.httpClient(log)
	require.NoError(r.t, err)
	if st.Since == 0 {
		st = state{Since: time.Now().Add(-r.cfg.InitialInterval.D()).UnixMilli()}
	}
	api := in.apiClient(hc, m, log)
	api.sleep = func(ctx context.Context, d time.Duration) error {
		r.sleeps = append(r.sleeps, d)
		return ctx.Err()
	}
	return &poller{
		cfg: r.cfg, src: source{report: report, account: "acct"}, pub: r.pub, metrics: m, log: log, now: time.Now, state: st,
		api: api,
	}
}

func TestPollBackfillsThenPublishesOnlyNewEntries(t *testing.T) {
	r := newRig(t)
	p := r.poller(contract.ReportOperationLogs, state{})
	require.NoError(t, p.poll(context.Background()))
	ids := r.pub.ids()
	assert.Len(t, ids, r.nOps, "every sample entry, once")
	for id, n := range ids {
		assert.Equal(t, 1, n, id)
	}
	assert.GreaterOrEqual(t, r.server.Requests("/v2/report/operationlogs", 200), (r.nOps+3)/4, "the entries in pages of 4")
	assert.EqualValues(t, r.nOps, p.metrics.published.Get())
	assert.Equal(t, 1, r.server.TokenRequests(), "one token, reused")

	// The next poll re-reads today and publishes nothing.
	require.NoError(t, p.poll(context.Background()))
	assert.Len(t, r.pub.events, r.nOps)
	assert.Positive(t, p.metrics.skipped.Get())

	// An entry appearing today, even with a time before the newest one
	// already published (late arrival within late_window), comes once.
	r.server.AddOperationLogs(map[string]any{"time": time.Now().Add(-90 * time.Minute).UTC().Format(time.RFC3339),
		"operator": "late@example.com", "category_type": "User", "action": "Add", "operation_detail": "Add User new@example.com"})
	require.NoError(t, p.poll(context.Background()))
	require.NoError(t, p.poll(context.Background()))
	assert.Len(t, r.pub.events, r.nOps+1)

	// A restart resumes from the acknowledged cursor: nothing again.
	restarted := r.poller(contract.ReportOperationLogs, r.pub.cursor)
	require.NoError(t, restarted.poll(context.Background()))
	assert.Len(t, r.pub.events, r.nOps+1)
}

// addLargeWindow adds n operation-log entries spread over today to the stand-in.
func (r *rig) addLargeWindow(n int) {
	now := time.Now().UTC()
	midnight := now.Truncate(24 * time.Hour)
	for i := range n {
		tm := midnight.Add(time.Duration(i) * now.Sub(midnight) / time.Duration(n))
		r.server.AddOperationLogs(map[string]any{"time": tm.Format(time.RFC3339), "operator": "admin@example.com",
			"category_type": "User", "action": "Update", "operation_detail": fmt.Sprintf("Update User u%d@example.com", i)})
	}
}

// A window of more entries than the cursor keeps (whose ids the poller lets go
// of as it reads): every entry once, a cursor within its bound, and nothing
// again on the next poll or after a restart.
func TestLargeWindowPublishesEachEntryOnce(t *testing.T) {
	r := newRig(t)
	r.cfg.PageSize = 300
	r.cfg.LateWindow = Duration(7 * 24 * time.Hour) // every entry within it: the cursor keeps the maxSeen newest
	n := 2*maxSeen + 5000
	r.addLargeWindow(n)
	p := r.poller(contract.ReportOperationLogs, state{})
	require.NoError(t, p.poll(context.Background()))
	ids := r.pub.ids()
	require.Len(t, ids, r.nOps+n, "every entry")
	for id, c := range ids {
		require.Equal(t, 1, c, "entry %s", id)
	}
	newer := 0 // than Since: the entries at Since itself (a tie of whole seconds) are kept too
	for _, tm := range r.pub.cursor.Seen {
		if tm > r.pub.cursor.Since {
			newer++
		}
	}
	assert.Less(t, newer, maxSeen, "the cursor keeps the maxSeen newest")

	require.NoError(t, p.poll(context.Background()))
	restarted := r.poller(contract.ReportOperationLogs, r.pub.cursor)
	require.NoError(t, restarted.poll(context.Background()))
	assert.Len(t, r.pub.events, r.nOps+n, "nothing again")
}

// failingAfter publishes as its fakePublisher does, and makes the stand-in
// fail every request once it has published after events.
type failingAfter struct {
	*fakePublisher
	r     *rig
	after int
}

func (p failingAfter) Publish(ev beat.Event, update any) error {
	if len(p.events) == p.after {
		p.r.server.Fail("/v2/report/operationlogs", http.StatusInternalServerError, p.r.cfg.Retry.MaxAttempts, "")
	}
	return p.fakePublisher.Publish(ev, update)
}

// A large window that fails after its ids were let go of: what was read is
// published, the cursor remembers the ids still held without moving Since,
// and the next poll publishes the rest (again, with the same _id, for those
// let go of): nothing is lost, and nothing remembered comes twice.
func TestLargeWindowReadInPartLosesNothing(t *testing.T) {
	r := newRig(t)
	r.cfg.PageSize = 300
	r.cfg.Retry.MaxAttempts = 2
	n := 2*maxSeen + 5000
	r.addLargeWindow(n)
	p := r.poller(contract.ReportOperationLogs, state{})
	p.pub = failingAfter{fakePublisher: r.pub, r: r, after: 2*maxSeen + 1000}
	start := p.state
	require.Error(t, p.poll(context.Background()))
	read := len(r.pub.events)
	assert.Greater(t, read, 2*maxSeen+1000, "what was read is published")
	assert.Less(t, read, r.nOps+n)
	partial := r.pub.cursor
	assert.Equal(t, start.Since, partial.Since, "Since stays")
	assert.NotEmpty(t, partial.Seen, "the ids still held are remembered")

	require.NoError(t, p.poll(context.Background()))
	ids := r.pub.ids()
	assert.Len(t, ids, r.nOps+n, "every entry, none lost")
	for id := range partial.Seen {
		assert.Equal(t, 1, ids[id], "remembered entry %s published again", id)
	}
}

// The meeting activities report: its own listing key and time key, the
// activity type Zoom requires, windows of at most a month, paging, and
// exactly once across a restart.
func TestPollMeetingActivities(t *testing.T) {
	r := newRig(t)
	r.cfg.InitialInterval = Duration(60 * 24 * time.Hour)
	p := r.poller(contract.ReportMeetingActivities, state{})
	require.NoError(t, p.poll(context.Background()))
	ids := r.pub.ids()
	assert.Len(t, ids, r.nMeet, "every sample entry, once")
	assert.Zero(t, r.server.Requests("/v2/report/meeting_activities", 400), "activity_type is sent, windows are at most a month")
	assert.GreaterOrEqual(t, r.server.Requests("/v2/report/meeting_activities", 200), 3, "two windows, pages of 4")
	for _, ev := range r.pub.events {
		entry, _ := ev.Fields.GetValue("zoom.entry.activity_time")
		assert.Equal(t, entry, ev.Timestamp.UTC().Format(time.RFC3339), "@timestamp is the entry's activity_time")
	}

	restarted := r.poller(contract.ReportMeetingActivities, r.pub.cursor)
	require.NoError(t, restarted.poll(context.Background()))
	assert.Len(t, r.pub.events, r.nMeet, "nothing again after a restart")
}

func TestPollSurvivesRateLimitsAndServerErrors(t *testing.T) {
	r := newRig(t)
	r.server.Fail("/v2/report/activities", http.StatusTooManyRequests, 2, "3")
	r.server.Fail("/v2/report/activities", http.StatusServiceUnavailable, 2, "")
	p := r.poller(contract.ReportActivities, state{})
	require.NoError(t, p.poll(context.Background()))
	assert.Len(t, r.pub.ids(), 5)
	assert.EqualValues(t, 2, p.metrics.rateLimitWaits.Get())
	assert.EqualValues(t, 2, p.metrics.retries.Get())
	assert.Equal(t, 3*time.Second, r.sleeps[0], "waits as Retry-After says")
	assert.Equal(t, 3*time.Second, r.sleeps[1], "as Retry-After says, above the minimum (2s)")
	for _, d := range r.sleeps[2:] {
		assert.GreaterOrEqual(t, d, r.cfg.Retry.WaitMin)
		assert.LessOrEqual(t, d, r.cfg.Retry.WaitMax)
	}
}

func TestPollGivesUpAfterMaxAttemptsAndTheOtherReportGoesOn(t *testing.T) {
	r := newRig(t)
	r.cfg.Retry.MaxAttempts = 3
	r.server.Fail("/v2/report/operationlogs", http.StatusInternalServerError, 100, "")
	ops := r.poller(contract.ReportOperationLogs, state{})
	err := ops.poll(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "failed 3 times")
	assert.Contains(t, err.Error(), "HTTP 500")
	assert.Empty(t, r.pub.events)

	acts := r.poller(contract.ReportActivities, state{})
	require.NoError(t, acts.poll(context.Background()))
	assert.Len(t, r.pub.ids(), 5)
}

func TestExpiredTokenIsReplacedOnce(t *testing.T) {
	r := newRig(t)
	p := r.poller(contract.ReportActivities, state{})
	require.NoError(t, p.poll(context.Background()))
	r.server.ExpireTokens()
	r.server.AddActivities(map[string]any{"email": "x@example.com", "time": time.Now().UTC().Format(time.RFC3339), "type": "Sign in", "ip_address": "192.0.2.1", "client_type": "Browser", "version": "-"})
	require.NoError(t, p.poll(context.Background()))
	assert.Len(t, r.pub.ids(), 6)
	assert.EqualValues(t, 2, p.metrics.tokenRefreshes.Get())
	assert.Equal(t, 1, r.server.Requests("/v2/report/activities", 401))
}

func TestWrongCredentialsGiveZoomsReason(t *testing.T) {
	r := newRig(t)
	r.cfg.ClientSecret = "wrong-secret-value"
	p := r.poller(contract.ReportActivities, state{})
	err := p.poll(context.Background())
	var oe *zoomoauth.OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, 401, oe.Status)
	assert.Equal(t, "invalid_client", oe.Code)
	assert.Contains(t, err.Error(), "Invalid client_id or client_secret")
	assert.NotContains(t, err.Error(), "wrong-secret-value")

	r.cfg.ClientSecret, r.cfg.AccountID = "csecret", "other-account"
	p = r.poller(contract.ReportActivities, state{})
	err = p.poll(context.Background())
	require.ErrorAs(t, err, &oe)
	assert.Contains(t, err.Error(), "Account id is invalid")
}

func TestLongBackfillUsesMonthlyWindows(t *testing.T) {
	r := newRig(t)
	r.cfg.InitialInterval = Duration(100 * 24 * time.Hour)
	old := time.Now().Add(-80 * 24 * time.Hour).UTC().Format(time.RFC3339)
	r.server.AddActivities(map[string]any{"email": "old@example.com", "time": old, "type": "Sign in", "ip_address": "192.0.2.9", "client_type": "Browser", "version": "-"})
	p := r.poller(contract.ReportActivities, state{})
	require.NoError(t, p.poll(context.Background()))
	assert.Len(t, r.pub.ids(), 6)
	assert.Zero(t, r.server.Requests("/v2/report/activities", 400), "no window over a month")
	assert.GreaterOrEqual(t, r.pub.updates, 2, "the cursor advances window by window")
}

func TestPollStopsPromptly(t *testing.T) {
	r := newRig(t)
	r.server.Fail("/v2/report/activities", http.StatusTooManyRequests, 1, "3600")
	r.cfg.Interval = Duration(2 * time.Hour) // a wait within the interval is waited in the poll
	p := r.poller(contract.ReportActivities, state{})
	p.api.sleep = sleepCtx
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.poll(ctx) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	case <-time.After(2 * time.Second):
		t.Fatal("poll did not stop while waiting out a 1h Retry-After")
	}
}

func TestTokenRejectedTwiceFailsWithZoomsMessage(t *testing.T) {
	r := newRig(t)
	r.server.Fail("/v2/report/activities", http.StatusUnauthorized, 2, "")
	p := r.poller(contract.ReportActivities, state{})
	err := p.poll(context.Background())
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.Status)
	assert.Equal(t, status.Failed, statusOf(err))
	assert.Equal(t, 2, r.server.TokenRequests(), "one new token, one retry")
	assert.Equal(t, status.Degraded, statusOf(errors.New("GET failed 5 times")))
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 11, 24, 12, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("Retry-After", "7")
	assert.Equal(t, 7*time.Second, retryAfter(h, now, time.Minute))
	h.Set("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat))
	assert.Equal(t, 90*time.Second, retryAfter(h, now, time.Minute))
	h.Del("Retry-After")
	assert.Equal(t, time.Minute, retryAfter(h, now, time.Minute))
}

func TestTLSAndProxy(t *testing.T) {
	s := zoomsim.NewTLSReportServer("acct", "cid", "csecret")
	defer s.Close()
	s.AddActivities(map[string]any{"email": "a@example.com", "time": time.Now().UTC().Format(time.RFC3339), "type": "Sign in", "ip_address": "192.0.2.1", "client_type": "Browser", "version": "-"})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, s.Certificate(), 0o600))

	// A forward proxy that counts what passes through it (CONNECT for HTTPS).
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		proxied.Add(1)
		upstream, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { _, _ = io.Copy(upstream, buf); upstream.Close() }() // buf: what the client sent already
		_, _ = io.Copy(conn, upstream)
		conn.Close()
	}))
	defer proxy.Close()

	settings := map[string]any{
		"account_id": "acct", "client_id": "cid", "client_secret": "csecret",
		"api_url": s.URL() + "/v2", "oauth_url": s.URL() + "/oauth/token",
		"ssl.certificate_authorities": []string{caFile}, "proxy_url": proxy.URL,
	}
	cfg, err := unpack(settings)
	require.NoError(t, err)
	r := &rig{t: t, server: s, cfg: cfg, pub: &fakePublisher{}}
	require.NoError(t, r.poller(contract.ReportActivities, state{}).poll(context.Background()))
	assert.Len(t, r.pub.events, 1)
	assert.Positive(t, proxied.Load(), "requests went through proxy_url")

	// Without the CA the server's certificate is refused (directly, so that
	// the error is the TLS client's own).
	delete(settings, "ssl.certificate_authorities")
	delete(settings, "proxy_url")
	r.cfg, err = unpack(settings)
	require.NoError(t, err)
	err = r.poller(contract.ReportActivities, state{}).poll(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
}

// An API that hands back the same next_page_token made one poll send 1,500
// requests without moving the cursor: the repeat ends the window's paging
// with an error (Degraded), and what was read is published once.
func TestRepeatedPageTokenStopsPaging(t *testing.T) {
	r := newRig(t)
	r.server.StickPageToken("/v2/report/operationlogs")
	p := r.poller(contract.ReportOperationLogs, state{})
	err := p.poll(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "next_page_token it had already given")
	assert.Equal(t, status.Degraded, statusOf(err))
	assert.LessOrEqual(t, r.server.Requests("/v2/report/operationlogs", 0), 3)
	assert.Len(t, r.pub.ids(), 4, "the first page's entries, once")
	for _, n := range r.pub.ids() {
		assert.Equal(t, 1, n)
	}
}

func TestPagingErrorCapsPages(t *testing.T) {
	w := windows(time.Now(), time.Now())[0]
	assert.NoError(t, pagingError(w, "a", map[string]bool{}, maxPagesPerWindow-1))
	assert.ErrorContains(t, pagingError(w, "b", map[string]bool{}, maxPagesPerWindow), "over 50000 pages")
}

// 429 with Retry-After 0, or a date already past, caused 1,499 requests and
// as many log lines: the wait has a growing minimum, the tries are capped,
// and the condition is logged once per interval.
func TestRateLimitWithoutWaitDoesNotHotLoop(t *testing.T) {
	for _, ra := range []string{"0", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		t.Run(ra, func(t *testing.T) {
			r := newRig(t)
			r.server.Fail("/v2/report/activities", http.StatusTooManyRequests, 1000, ra)
			p := r.poller(contract.ReportActivities, state{})
			log, logs := logptest.NewTestingLoggerWithObserver(t, "")
			p.api.quiet = newRepeatedLog(log, r.cfg.Interval.D())
			err := p.poll(context.Background())
			var rle *RateLimitError
			require.ErrorAs(t, err, &rle)
			assert.Contains(t, err.Error(), "(5 tries)")
			assert.Equal(t, status.Degraded, statusOf(err))
			assert.Equal(t, r.cfg.Retry.MaxAttempts, r.server.Requests("/v2/report/activities", 429))
			require.Len(t, r.sleeps, r.cfg.Retry.MaxAttempts-1)
			for i, d := range r.sleeps {
				assert.Equal(t, r.cfg.Retry.WaitMin<<i, d, "wait %d: the minimum doubles", i)
			}
			assert.Greater(t, r.sleeps[len(r.sleeps)-1], r.cfg.Retry.WaitMin, "the minimum grows")
			assert.Equal(t, 1, logs.FilterMessageSnippet("rate limit reached").Len(), "logged once per interval")
		})
	}
}

// Once the daily quota is spent Zoom answers 429 with X-RateLimit-Type
// Daily-limit and a Retry-After in the next day: the poll ends at once, and
// says when the next may start.
func TestDailyQuotaEndsThePollUntilZoomAllows(t *testing.T) {
	r := newRig(t)
	tomorrow := time.Now().Add(10 * time.Hour).UTC().Truncate(time.Second)
	r.server.FailDaily("/v2/report/activities", 1000, tomorrow.Format(http.TimeFormat))
	p := r.poller(contract.ReportActivities, state{})
	err := p.poll(context.Background())
	var rle *RateLimitError
	require.ErrorAs(t, err, &rle)
	assert.Equal(t, "Daily-limit", rle.Type)
	assert.WithinDuration(t, tomorrow, rle.Until, time.Second)
	assert.Contains(t, err.Error(), "maximum daily rate limit")
	assert.Equal(t, 1, r.server.Requests("/v2/report/activities", 429))
	assert.Empty(t, r.sleeps)
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	cfg := defaultConfig()
	for range 200 {
		b := newBackoff(cfg)
		prev := time.Duration(0)
		for i := range 12 {
			d := b.Next()
			require.GreaterOrEqual(t, d, cfg.Retry.WaitMin, "try %d", i)
			require.LessOrEqual(t, d, cfg.Retry.WaitMax, "try %d", i)
			prev = d
		}
		assert.GreaterOrEqual(t, prev, cfg.Retry.WaitMax/3, "grows toward wait_max")
	}
}

// The account id is a credential: it stays out of errors (Go's url.Error
// repeats a request's URL), log lines (the cursor's source name) and the
// status.
func TestAccountIDStaysOutOfErrorsAndLogs(t *testing.T) {
	const account = "Acct-Very-Secret-1234"
	r := newRig(t)
	r.cfg.AccountID = account
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r.cfg.OAuthURL = "http://" + ln.Addr().String() + "/oauth/token"
	require.NoError(t, ln.Close()) // nothing listens: the request fails with a url.Error
	p := r.poller(contract.ReportActivities, state{})
	p.src.account = account
	err = p.poll(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), account)
	assert.NotContains(t, source{report: contract.ReportActivities, account: account}.Name(), account)
	assert.NotEqual(t, source{report: contract.ReportActivities, account: "other"}.Name(), source{report: contract.ReportActivities, account: account}.Name())
}

func TestProxyCredentialsAreMasked(t *testing.T) {
	_, err := unpack(with(map[string]any{"proxy_url": "http://user:hunter2@proxy example:3128"}))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), `"http://REDACTED@proxy example:3128"`)
}

// An entry whose time does not parse is published with error.message and
// the time of reading, and does not move the cursor past older entries still
// to come; it is not published twice.
func TestEntryWithoutValidTimeDoesNotMoveTheCursor(t *testing.T) {
	r := newRig(t)
	p := r.poller(contract.ReportActivities, state{})
	require.NoError(t, p.poll(context.Background()))
	before := p.state.Since
	r.server.AddActivities(map[string]any{"email": "odd@example.com", "time": "not a time", "type": "Sign in", "ip_address": "192.0.2.3", "client_type": "Browser", "version": "-"})
	// The stand-in files entries by their time; one without a valid time is
	// served with today's.
	require.NoError(t, p.poll(context.Background()))
	require.NoError(t, p.poll(context.Background()))
	assert.Equal(t, before, p.state.Since, "the cursor stays")
	var odd []beat.Event
	for _, e := range r.pub.events {
		if v, _ := e.Fields.GetValue("zoom.entry.email"); v == "odd@example.com" {
			odd = append(odd, e)
		}
	}
	require.Len(t, odd, 1, "published once")
	msg, _ := odd[0].Fields.GetValue("error.message")
	assert.Contains(t, fmt.Sprint(msg), `the entry's time "not a time" is not an RFC 3339 time`)
}

// Requests are paced at requests_per_second, for all the input's reports
// together: on a fake clock, 21 requests at 10/s wait 2 s in all, and a
// second client of the same input shares the budget.
func TestRequestsArePaced(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	var waited time.Duration
	r := newRig(t)
	r.cfg.RequestsPerSecond = 10
	in := newInput(r.cfg)
	client := func() *apiClient {
		return &apiClient{limiter: in.limiter, metrics: newInputMetrics(nil), now: func() time.Time { return clock },
			sleep: func(_ context.Context, d time.Duration) error { waited += d; clock = clock.Add(d); return nil }}
	}
	a, b := client(), client()
	for i := range 21 {
		c := a
		if i%2 == 1 {
			c = b // the other report of the same input
		}
		require.NoError(t, c.pace(context.Background()))
	}
	assert.Equal(t, 2*time.Second, waited)
	assert.EqualValues(t, 20, a.metrics.pacedRequests.Get()+b.metrics.pacedRequests.Get(), "every request after the first was held back")

	// A poll paces every request it sends.
	r.cfg.RequestsPerSecond = 2
	r.cfg.InitialInterval = Duration(60 * 24 * time.Hour)
	p := r.poller(contract.ReportMeetingActivities, state{})
	p.api.limiter = rate.NewLimiter(2, 1)
	require.NoError(t, p.poll(context.Background()))
	sent := r.server.Requests("/v2/report/meeting_activities", 200)
	var paced time.Duration
	for _, d := range r.sleeps {
		paced += d
	}
	assert.GreaterOrEqual(t, paced, time.Duration(sent-1)*500*time.Millisecond-100*time.Millisecond, "%d requests at 2/s", sent)
	assert.EqualValues(t, sent-1, p.metrics.pacedRequests.Get())
}
