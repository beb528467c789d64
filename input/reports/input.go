// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package reports is the zoom_reports input: it polls Zoom's Reports API
// (operation logs, sign-in/sign-out activities, meeting activities) with
// Server-to-Server OAuth, and keeps a cursor per report and account in Filebeat's registry that
// advances only for acknowledged events.
package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/elastic/go-concert/ctxtool"
	"golang.org/x/time/rate"

	v2 "github.com/elastic/beats/v7/filebeat/input/v2"
	cursor "github.com/elastic/beats/v7/filebeat/input/v2/input-cursor"
	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/feature"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/beats/v7/libbeat/statestore"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/input/zoomoauth"
	"github.com/zoombeat/zoombeat/internal/configkeys"
	"github.com/zoombeat/zoombeat/internal/contract"
)

// Name is the input type.
const Name = contract.ReportsInput

// Plugin registers the zoom_reports input.
func Plugin(log *logp.Logger, store statestore.States) v2.Plugin {
	return v2.Plugin{
		Name:      Name,
		Stability: feature.Beta,
		Info:      "Zoom Reports API poller (operation logs, sign-in/sign-out activities, meeting activities)",
		Manager: &cursor.InputManager{
			Logger:     log,
			StateStore: store,
			Type:       Name,
			Configure:  configure,
		},
	}
}

// source is one report of one account; its name keys the cursor. The name
// appears in every log line of the input, so it holds a short hash of the
// account id rather than the id, which Zoom treats as a credential.
type source struct{ report, account string }

func (s source) Name() string { return s.report + "::" + accountHash(s.account) }

// accountHash tells accounts apart without naming them: 12 hex digits of the
// id's SHA-256.
func accountHash(account string) string {
	sum := sha256.Sum256([]byte(account))
	return hex.EncodeToString(sum[:6])
}

// checkBlockKeys fails on a misspelt key in the TLS and retry blocks, where a
// typo would silently change how the input trusts and retries.
var checkBlockKeys = configkeys.KnownIn(&config{}, "ssl", "retry")

func configure(c *conf.C, _ *logp.Logger) ([]cursor.Source, cursor.Input, error) {
	if err := checkBlockKeys(c); err != nil {
		return nil, nil, fmt.Errorf("%s input: %w", Name, err)
	}
	cfg := defaultConfig()
	if err := c.Unpack(&cfg); err != nil {
		return nil, nil, fmt.Errorf("%s input: %w", Name, err)
	}
	var sources []cursor.Source
	for _, r := range cfg.reports() {
		sources = append(sources, source{report: r, account: cfg.AccountID})
	}
	return sources, newInput(cfg), nil
}

type input struct {
	cfg config
	// limiter keeps this input's requests to the Reports API, for all its
	// reports together (they share the account's quota), under
	// requests_per_second.
	limiter *rate.Limiter
}

// newInput is the input for a configuration.
func newInput(cfg config) *input {
	return &input{cfg: cfg, limiter: rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1)}
}

func (*input) Name() string { return Name }

// Test gets a token: it proves the URL, TLS settings and credentials.
func (in *input) Test(_ cursor.Source, ctx v2.TestContext) error {
	hc, err := in.httpClient(ctx.Logger)
	if err != nil {
		return err
	}
	ts := in.tokenSource(hc, nil)
	_, err = ts.Token(ctxtool.FromCanceller(ctx.Cancelation))
	return err
}

func (in *input) httpClient(log *logp.Logger) (*http.Client, error) {
	return zoomoauth.HTTPClient(zoomoauth.Transport{
		TLS: in.cfg.TLS, ProxyURL: in.cfg.ProxyURL, Timeout: in.cfg.Timeout,
	}, log)
}

func (in *input) tokenSource(hc *http.Client, onRefresh func()) *zoomoauth.TokenSource {
	app := zoomoauth.App{Grant: zoomoauth.GrantAccountCredentials, AccountID: in.cfg.AccountID, ClientID: in.cfg.ClientID, ClientSecret: in.cfg.ClientSecret}
	return zoomoauth.NewTokenSource(hc, in.cfg.OAuthURL, app, onRefresh)
}

func (in *input) apiClient(hc *http.Client, m *inputMetrics, log *logp.Logger) *apiClient {
	return &apiClient{
		http: hc, baseURL: in.cfg.APIURL, cfg: in.cfg, metrics: m, log: log, sleep: sleepCtx, now: time.Now, limiter: in.limiter,
		tokens: in.tokenSource(hc, m.tokenRefreshes.Inc),
		quiet:  newRepeatedLog(log, in.cfg.Interval.D()),
	}
}

// Run polls one report until Filebeat stops the input. Failures are logged,
// reported as the input's status and retried at the next interval; they never
// stop the input, nor the other report.
func (in *input) Run(ctx v2.Context, src cursor.Source, cur cursor.Cursor, pub cursor.Publisher) error {
	s := src.(source)
	log := ctx.Logger.With("report", s.report)
	m := newInputMetrics(ctx.MetricsRegistry)
	hc, err := in.httpClient(log)
	if err != nil {
		return err
	}
	p := &poller{
		cfg: in.cfg, src: s, pub: pub, metrics: m, log: log, now: time.Now,
		api: in.apiClient(hc, m, log),
	}
	if err := cur.Unpack(&p.state); err != nil {
		log.Errorf("Cannot read the %s cursor from the registry (%v); starting %v back", s.report, err, in.cfg.InitialInterval.D())
	}
	if p.state.Since == 0 {
		p.state = state{Since: time.Now().Add(-in.cfg.InitialInterval.D()).UnixMilli()}
		log.Infof("No cursor for report %s yet: reading from %s", s.report, p.state.since().Format(time.RFC3339))
	} else {
		log.Infof("Resuming report %s from %s (%d entries remembered)", s.report, p.state.since().Format(time.RFC3339), len(p.state.Seen))
	}

	runCtx := ctxtool.FromCanceller(ctx.Cancelation)
	for {
		err := p.poll(runCtx)
		wait := in.cfg.Interval.D()
		switch {
		case runCtx.Err() != nil:
			return nil
		case err != nil:
			m.pollErrors.Inc()
			var rle *RateLimitError
			if errors.As(err, &rle) {
				// The daily quota: no request before Zoom allows one.
				wait = max(wait, time.Until(rle.Until))
			}
			ctx.UpdateStatus(statusOf(err), err.Error())
			log.Errorf("Polling Zoom report %s failed: %v (next try in %v)", s.report, err, wait.Round(time.Second))
		default:
			ctx.UpdateStatus(status.Running, "")
		}
		if sleepCtx(runCtx, wait) != nil {
			return nil
		}
	}
}

// poller reads one report and publishes its new entries.
type poller struct {
	cfg     config
	src     source
	api     *apiClient
	pub     cursor.Publisher
	metrics *inputMetrics
	log     *logp.Logger
	now     func() time.Time
	state   state
}

// poll reads every window from the cursor to today, page by page. The
// cursor update rides on the last event published in each window, so it
// reaches the registry only once all of the window's events are acknowledged.
func (p *poller) poll(ctx context.Context) error {
	from := p.state.since()
	for _, w := range windows(from, p.now()) {
		added := newWindowIDs(p.cfg.LateWindow.D())
		var held *beat.Event
		token := ""
		tokens := map[string]bool{}
		for pages := 0; ; pages++ {
			err := pagingError(w, token, tokens, pages)
			var pg *page
			if err == nil {
				pg, err = p.api.getPage(ctx, p.src.report, w[0], w[1], token)
			}
			if err != nil {
				if held != nil {
					// What was read is published. Since stays (entries of the
					// unread pages may be older than anything read), but the
					// ids still held are remembered, so the retry does not
					// repeat them; it publishes the others again, with the
					// same _id.
					next := p.state.remember(added.times)
					if p.pub.Publish(*held, next) == nil {
						p.metrics.published.Inc()
						p.state = next
					}
				}
				return err
			}
			p.metrics.pages.Inc()
			for _, entry := range pg.Entries {
				ev, id, t, timed := p.event(entry)
				// An entry without a valid time was published only if
				// remembered; one with a time, also if older than the cursor.
				if p.state.seen(id) || (timed && p.state.published(id, t)) {
					p.metrics.skipped.Inc()
					continue
				}
				if added.has(id) {
					p.metrics.skipped.Inc()
					continue
				}
				if timed {
					added.add(id, t.UnixMilli())
				} else {
					// Remembered at the cursor's own time: it is not
					// published twice, and it moves the cursor nowhere.
					added.add(id, p.state.Since)
				}
				if held != nil {
					if err := p.pub.Publish(*held, nil); err != nil {
						return err
					}
					p.metrics.published.Inc()
				}
				held = &ev
			}
			if token = pg.NextPageToken; token == "" {
				break
			}
		}
		if held == nil {
			continue
		}
		next := p.state.advance(added.times, p.cfg.LateWindow.D())
		if err := p.pub.Publish(*held, next); err != nil {
			return err
		}
		p.metrics.published.Inc()
		p.state = next
		p.metrics.cursor.Set(next.since().Format(time.RFC3339))
	}
	return nil
}

// maxPagesPerWindow bounds the pages of one window: 50,000 pages of 300 is
// 15 million entries in a month, beyond any account, so that an API that
// never stops paging cannot hold a poll forever.
const maxPagesPerWindow = 50000

// pagingError stops a window's paging when Zoom hands back a next_page_token
// it gave before (which would page forever) or the pages exceed
// maxPagesPerWindow.
func pagingError(w [2]time.Time, token string, seen map[string]bool, pages int) error {
	span := w[0].Format(time.DateOnly) + " to " + w[1].Format(time.DateOnly)
	switch {
	case seen[token]:
		return fmt.Errorf("Zoom returned a next_page_token it had already given for %s, after %d pages; stopped paging this window to avoid an endless loop", span, pages)
	case pages >= maxPagesPerWindow:
		return fmt.Errorf("the window %s has over %d pages; stopped paging it", span, maxPagesPerWindow)
	}
	seen[token] = true
	return nil
}

// event turns a report entry into the event the zoom processor maps. timed
// is false for an entry whose time does not parse: it is published with the
// time of reading and error.message, and must not move the cursor.
func (p *poller) event(entry map[string]any) (ev beat.Event, id string, t time.Time, timed bool) {
	id = entryID(p.src.account, p.src.report, entry)
	fields := mapstr.M{
		contract.Field: mapstr.M(contract.ReportEnvelope(p.src.report, p.src.account, mapstr.M(entry))),
		"event":        mapstr.M{"id": id, "created": p.now()},
	}
	ts, _ := entry[contract.ReportTimeKeys[p.src.report]].(string)
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err == nil {
		timed = true
		p.metrics.lastEntry.Set(t.UTC().Format(time.RFC3339))
	} else {
		p.log.Warnf("Report %s entry %s has no valid time (%q); published with the time of reading, and the cursor does not move for it", p.src.report, id, ts)
		t = p.now()
		fields["error"] = mapstr.M{"message": []string{fmt.Sprintf("zoom_reports: the entry's time %q is not an RFC 3339 time; @timestamp is the time of reading", ts)}}
	}
	return beat.Event{Timestamp: t, Meta: mapstr.M{"_id": id}, Fields: fields}, id, t, timed
}

// statusOf is the input status a poll error calls for: Failed when Zoom
// refuses the credentials (no token, or a fresh token rejected), which only
// an operator can fix; Degraded for what the next poll may get past.
func statusOf(err error) status.Status {
	var oe *zoomoauth.OAuthError
	var ae *APIError
	switch {
	case errors.As(err, &oe):
		return status.Failed
	case errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 403):
		return status.Failed
	}
	return status.Degraded
}

// CheckConfig validates a zoom_reports configuration as the input would at
// start, without touching the registry or the network.
func CheckConfig(c *conf.C) error {
	_, _, err := configure(c, nil)
	return err
}
