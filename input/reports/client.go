package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/input/jsonutil"
)

// apiClient calls Zoom's Reports API: bearer tokens from tokens, one new
// token and one retry on 401, Retry-After honoured on 429, bounded
// exponential backoff with jitter on 5xx and network errors.
type apiClient struct {
	http    *http.Client
	baseURL string
	tokens  *tokenSource
	cfg     config
	metrics *inputMetrics
	log     *logp.Logger
	sleep   func(ctx context.Context, d time.Duration) error
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

// page is one page of a report listing.
type page struct {
	NextPageToken string           `json:"next_page_token"`
	Entries       []map[string]any `json:"-"`
}

// getPage reads one page of a report.
func (c *apiClient) getPage(ctx context.Context, report string, from, to time.Time, pageToken string) (*page, error) {
	spec := reportSpecs[report]
	q := url.Values{}
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

// get performs a GET with every retry rule, and returns the body of a 200.
func (c *apiClient) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	u := c.baseURL + path + "?" + q.Encode()
	refreshed := false
	failures := 0
	for {
		token, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		status, hdr, body, err := c.do(ctx, u, token)
		// retry waits out a 5xx or network error, unless it was the last try.
		retry := func(cause error) error {
			failures++
			if failures >= c.cfg.Retry.MaxAttempts {
				return fmt.Errorf("GET %s failed %d times, last: %w", path, failures, cause)
			}
			c.metrics.retries.Inc()
			c.log.Warnf("GET %s failed (%v); retrying", path, cause)
			return c.sleep(ctx, c.backoff(failures))
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
		case status == http.StatusTooManyRequests:
			wait := retryAfter(hdr, c.now(), c.backoff(1))
			c.metrics.rateLimitWaits.Inc()
			c.log.Infof("Zoom rate limit reached on %s (%s %s); waiting %v as Retry-After says",
				path, hdr.Get("X-RateLimit-Category"), hdr.Get("X-RateLimit-Type"), wait)
			if err := c.sleep(ctx, wait); err != nil {
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

func (c *apiClient) now() time.Time { return time.Now() }

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

// backoff is the wait before retry n (1-based): exponential from wait_min,
// capped at wait_max, with full jitter so that many Filebeats do not retry
// in step.
func (c *apiClient) backoff(n int) time.Duration {
	d := c.cfg.Retry.WaitMin << min(n-1, 30)
	if d <= 0 || d > c.cfg.Retry.WaitMax {
		d = c.cfg.Retry.WaitMax
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads Retry-After (seconds or an HTTP date), else fallback.
func retryAfter(h http.Header, now time.Time, fallback time.Duration) time.Duration {
	v := h.Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
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
