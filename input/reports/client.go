// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/input/jsonutil"
	"github.com/zoombeat/zoombeat/input/zoomoauth"
)

// apiClient calls Zoom's Reports API: bearer tokens from tokens, one new
// token and one retry on 401, 429 waited out as Zoom says but never less than
// a growing minimum, exponential backoff with jitter on 5xx and network
// errors, and at most retry.max_attempts tries of one request.
type apiClient struct {
	http    *http.Client
	baseURL string
	tokens  *zoomoauth.TokenSource
	cfg     config
	metrics *inputMetrics
	log     *logp.Logger
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time
	quiet   *repeatedLog
	limiter *rate.Limiter // shared by the input's reports
}

// APIError is an answer the client will not retry.
type APIError struct {
	Status  int
	Code    int    // Zoom's error code
	Message string // Zoom's message
}

func (e *APIError) Error() string {
	return fmt.Sprintf("Zoom API answered HTTP %d (code %d): %s", e.Status, e.Code, e.Message)
}

// RateLimitError ends a poll that Zoom's rate limit stopped: the daily quota
// is spent, a wait longer than the poll interval was asked for, or 429s went
// on for retry.max_attempts tries. The next poll starts no earlier than Until.
type RateLimitError struct {
	Path     string
	Category string // X-RateLimit-Category, e.g. Heavy
	Type     string // X-RateLimit-Type, e.g. QPS, Daily-limit
	Until    time.Time
	Reason   string
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("Zoom's rate limit (%s %s) stopped GET %s: %s; next try at %s",
		orDash(e.Category), orDash(e.Type), e.Path, e.Reason, e.Until.UTC().Format(time.RFC3339))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// page is one page of a report listing.
type page struct {
	NextPageToken string           `json:"next_page_token"`
	Entries       []map[string]any `json:"-"`
}

// getPage reads one page of a report.
func (c *apiClient) getPage(ctx context.Context, report string, from, to time.Time, pageToken string) (*page, error) {
	spec := reportSpecs[report]
	q := url.Values{}
	for k, v := range spec.query {
		q[k] = v
	}
	q.Set("from", from.Format(time.DateOnly))
	q.Set("to", to.Format(time.DateOnly))
	q.Set("page_size", strconv.Itoa(c.cfg.PageSize))
	if pageToken != "" {
		q.Set("next_page_token", pageToken)
	}
	body, err := c.get(ctx, spec.path, q)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("%s: the answer is not a JSON object: %w", spec.path, err)
	}
	p := &page{}
	if t, ok := raw["next_page_token"]; ok {
		_ = json.Unmarshal(t, &p.NextPageToken)
	}
	if list, ok := raw[spec.listKey]; ok && string(list) != "null" {
		v, err := jsonutil.DecodeObject(list)
		items, isList := v.([]any)
		if err != nil || !isList {
			return nil, fmt.Errorf("%s: %q is not a list", spec.path, spec.listKey)
		}
		for _, it := range items {
			entry, ok := it.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: %q holds %T, not objects", spec.path, spec.listKey, it)
			}
			p.Entries = append(p.Entries, entry)
		}
	}
	return p, nil
}

// newBackoff is the retry schedule, from retry.wait_min to retry.wait_max.
func newBackoff(cfg config) *zoomoauth.Backoff {
	return zoomoauth.NewBackoff(cfg.Retry.WaitMin, cfg.Retry.WaitMax)
}

// pace waits for the input's next request slot: Zoom's Reports API is a
// "Heavy" API, limited per second by account plan, and a backfill would
// otherwise send requests as fast as pages come and meet 429s. The
// reservation is made at c.now and waited out with c.sleep, so that tests
// run it on a fake clock.
func (c *apiClient) pace(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	now := c.now()
	d := c.limiter.ReserveN(now, 1).DelayFrom(now)
	if d <= 0 {
		return nil
	}
	c.metrics.pacedRequests.Inc()
	return c.sleep(ctx, d)
}

// get performs a GET with every retry rule, and returns the body of a 200.
func (c *apiClient) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	u := c.baseURL + path + "?" + q.Encode()
	refreshed := false
	tries, limited := 0, 0
	failures := newBackoff(c.cfg)
	for {
		token, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		tries++
		last := tries >= c.cfg.Retry.MaxAttempts
		if err := c.pace(ctx); err != nil {
			return nil, err
		}
		status, hdr, body, err := c.do(ctx, u, token)
		// retry waits out a 5xx or network error, unless it was the last try.
		retry := func(cause error) error {
			if last {
				return fmt.Errorf("GET %s failed %d times, last: %w", path, tries, cause)
			}
			c.metrics.retries.Inc()
			c.quiet.Warnf("retry:"+path, "GET %s failed (%v); retrying", path, cause)
			return c.sleep(ctx, failures.Next())
		}
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if err := retry(err); err != nil {
				return nil, err
			}
		case status == http.StatusOK:
			return body, nil
		case status == http.StatusUnauthorized && !refreshed:
			// The token expired or was revoked: one new token, one retry.
			c.tokens.Invalidate(token)
			refreshed = true
			tries--
		case status == http.StatusTooManyRequests:
			limited++
			if err := c.waitRateLimit(ctx, path, hdr, body, limited, last); err != nil {
				return nil, err
			}
		case status >= 500:
			if err := retry(apiError(status, body)); err != nil {
				return nil, err
			}
		default:
			return nil, apiError(status, body)
		}
	}
}

// waitRateLimit waits out the nth 429 in a row as Retry-After says, but at
// least retry.wait_min, doubled for each 429 before it (up to
// retry.wait_max): a Retry-After of 0 or of a past date must not turn into a
// stream of requests. A wait past the poll interval (Zoom's daily quota
// points at the next day) or the last try ends the poll instead, with the
// time the next one may start.
func (c *apiClient) waitRateLimit(ctx context.Context, path string, hdr http.Header, body []byte, n int, last bool) error {
	now := c.now()
	floor := min(c.cfg.Retry.WaitMin<<min(n-1, 30), c.cfg.Retry.WaitMax)
	wait := max(retryAfter(hdr, now, 0), floor)
	e := &RateLimitError{
		Path: path, Category: hdr.Get("X-RateLimit-Category"), Type: hdr.Get("X-RateLimit-Type"),
		Until: now.Add(wait), Reason: apiError(http.StatusTooManyRequests, body).(*APIError).Message,
	}
	switch {
	case strings.Contains(strings.ToLower(e.Type), "daily"):
		return e
	case wait > c.cfg.Interval.D():
		e.Reason += fmt.Sprintf(" (Retry-After %v is longer than interval %v)", wait.Round(time.Second), c.cfg.Interval.D())
		return e
	case last:
		e.Reason += fmt.Sprintf(" (%d tries)", c.cfg.Retry.MaxAttempts)
		return e
	}
	c.metrics.rateLimitWaits.Inc()
	c.quiet.Infof("429:"+path, "Zoom rate limit reached on %s (%s %s); waiting %v", path, e.Category, e.Type, wait)
	return c.sleep(ctx, wait)
}

func (c *apiClient) do(ctx context.Context, u, token string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	c.metrics.requests.Inc()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	c.metrics.status(resp.StatusCode)
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// retryAfter reads Retry-After (seconds or an HTTP date), else fallback. A
// date already past is a wait of 0.
func retryAfter(h http.Header, now time.Time, fallback time.Duration) time.Duration {
	v := h.Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return fallback
}

func apiError(status int, body []byte) error {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return &APIError{Status: status, Code: e.Code, Message: e.Message}
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// repeatedLog logs a condition that repeats (a 429, a retried 5xx) once per
// period, with the count of the times it was left out, so that a stubborn
// API fills no log.
type repeatedLog struct {
	log    *logp.Logger
	period time.Duration
	now    func() time.Time

	mu   sync.Mutex
	seen map[string]*repeat
}

type repeat struct {
	last    time.Time
	dropped int
}

func newRepeatedLog(log *logp.Logger, period time.Duration) *repeatedLog {
	return &repeatedLog{log: log, period: period, now: time.Now, seen: map[string]*repeat{}}
}

// allow says whether the condition key is logged now, and how many times it
// was left out since it last was.
func (r *repeatedLog) allow(key string) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	s, ok := r.seen[key]
	if !ok {
		r.seen[key] = &repeat{last: now}
		return true, 0
	}
	if now.Sub(s.last) < r.period {
		s.dropped++
		return false, 0
	}
	n := s.dropped
	s.last, s.dropped = now, 0
	return true, n
}

func (r *repeatedLog) Infof(key, format string, args ...any) {
	if ok, n := r.allow(key); ok {
		r.log.Info(withRepeats(fmt.Sprintf(format, args...), n))
	}
}

func (r *repeatedLog) Warnf(key, format string, args ...any) {
	if ok, n := r.allow(key); ok {
		r.log.Warn(withRepeats(fmt.Sprintf(format, args...), n))
	}
}

func withRepeats(msg string, n int) string {
	if n == 0 {
		return msg
	}
	return fmt.Sprintf("%s (and %d more times since it was last logged)", msg, n)
}
