// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/elastic-agent-libs/transport/tlscommon"

	"github.com/zoombeat/zoombeat/input/zoomoauth"
	"github.com/zoombeat/zoombeat/internal/contract"
)

// reportSpec says where a report lives in Zoom's Reports API, which key of
// the answer holds its entries, and the query parameters it requires besides
// the window and paging. The key of an entry that holds its time is
// contract.ReportTimeKeys'.
type reportSpec struct {
	path, listKey string
	query         url.Values
}

var reportSpecs = map[string]reportSpec{
	contract.ReportOperationLogs: {path: "/report/operationlogs", listKey: "operation_logs"},
	contract.ReportActivities:    {path: "/report/activities", listKey: "activity_logs"},
	// Zoom requires activity_type; "All Activities" lists every category.
	contract.ReportMeetingActivities: {path: "/report/meeting_activities", listKey: "meeting_activity_logs",
		query: url.Values{"activity_type": {"All Activities"}}},
}

// maxHistory is how far back Zoom keeps report data (about 6 months).
const maxHistory = 183 * 24 * time.Hour

type config struct {
	AccountID    string `config:"account_id"`
	ClientID     string `config:"client_id"`
	ClientSecret string `config:"client_secret"`

	Reports         []string `config:"reports"`
	Interval        Duration `config:"interval"`
	InitialInterval Duration `config:"initial_interval"`
	PageSize        int      `config:"page_size"`

	// LateWindow is how long after an entry's time Zoom may still add
	// entries with earlier times to a report. Polls re-read that far back,
	// and the cursor remembers the entries it published in that span.
	LateWindow Duration `config:"late_window"`

	APIURL   string            `config:"api_url"`
	OAuthURL string            `config:"oauth_url"`
	TLS      *tlscommon.Config `config:"ssl"`
	ProxyURL string            `config:"proxy_url"`
	Timeout  time.Duration     `config:"timeout"`

	// RequestsPerSecond caps the input's requests to the Reports API, all
	// its reports together.
	RequestsPerSecond float64 `config:"requests_per_second"`

	Retry struct {
		MaxAttempts int           `config:"max_attempts"`
		WaitMin     time.Duration `config:"wait_min"`
		WaitMax     time.Duration `config:"wait_max"`
	} `config:"retry"`
}

func defaultConfig() config {
	c := config{
		// Reports stays empty here: go-ucfg merges lists by index, so a
		// default list would leak into a shorter configured one. An empty
		// list means every report (see reports()).
		Interval:        Duration(5 * time.Minute),
		InitialInterval: Duration(7 * 24 * time.Hour),
		PageSize:        300,
		LateWindow:      Duration(time.Hour),
		APIURL:          "https://api.zoom.us/v2",
		OAuthURL:        "https://zoom.us/oauth/token",
		Timeout:         30 * time.Second,
		// Zoom's documented Heavy rate on Pro accounts (Business and up
		// allow 40/s).
		RequestsPerSecond: 10,
	}
	c.Retry.MaxAttempts = 5
	c.Retry.WaitMin = time.Second
	c.Retry.WaitMax = time.Minute
	return c
}

// Validate names every key at fault. Credentials are checked for presence
// only; their values never appear in errors.
func (c *config) Validate() error {
	var errs []error
	for _, k := range []struct{ key, val string }{
		{"account_id", c.AccountID}, {"client_id", c.ClientID}, {"client_secret", c.ClientSecret},
	} {
		if strings.TrimSpace(k.val) == "" {
			errs = append(errs, fmt.Errorf("%s is required (from the Zoom Server-to-Server OAuth app; keep it in the keystore)", k.key))
		}
	}
	for i, r := range c.Reports {
		if _, ok := reportSpecs[r]; !ok {
			errs = append(errs, fmt.Errorf("reports: unknown report %q (known: %s)", r, strings.Join(contract.Reports, ", ")))
		}
		if slices.Contains(c.Reports[:i], r) {
			errs = append(errs, fmt.Errorf("reports: %q is listed twice", r))
		}
	}
	if c.Interval.D() < time.Second {
		errs = append(errs, fmt.Errorf("interval must be at least 1s, got %v", c.Interval.D()))
	}
	if c.InitialInterval.D() <= 0 || c.InitialInterval.D() > maxHistory {
		errs = append(errs, fmt.Errorf("initial_interval must be between 1s and 183d (Zoom keeps about 6 months), got %v", c.InitialInterval.D()))
	}
	if c.LateWindow.D() < 0 || c.LateWindow.D() > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("late_window must be between 0 and 7d, got %v", c.LateWindow.D()))
	}
	if c.PageSize < 1 || c.PageSize > 300 {
		errs = append(errs, fmt.Errorf("page_size must be between 1 and 300 (Zoom's limit), got %d", c.PageSize))
	}
	for _, u := range []struct{ key, val string }{{"api_url", c.APIURL}, {"oauth_url", c.OAuthURL}} {
		if p, err := url.Parse(u.val); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q is not an http(s) URL", u.key, u.val))
		}
	}
	if err := zoomoauth.CheckProxyURL(c.ProxyURL); err != nil {
		errs = append(errs, err)
	}
	if c.RequestsPerSecond <= 0 || c.RequestsPerSecond > 100 {
		errs = append(errs, fmt.Errorf("requests_per_second must be above 0 and at most 100, got %v", c.RequestsPerSecond))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout must be positive, got %v", c.Timeout))
	}
	if c.Retry.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("retry.max_attempts must be at least 1, got %d", c.Retry.MaxAttempts))
	}
	if c.Retry.WaitMin <= 0 || c.Retry.WaitMax < c.Retry.WaitMin {
		errs = append(errs, fmt.Errorf("retry.wait_min (%v) must be positive and at most retry.wait_max (%v)", c.Retry.WaitMin, c.Retry.WaitMax))
	}
	return errors.Join(errs...)
}

// reports returns the configured reports, every report when none is listed.
func (c *config) reports() []string {
	if len(c.Reports) == 0 {
		return contract.Reports
	}
	return c.Reports
}

// Duration is a time.Duration that also takes days ("7d", "1d12h"), the
// natural unit of report history.
type Duration time.Duration

func (d Duration) D() time.Duration { return time.Duration(d) }

// Unpack parses "7d", "36h", "1d12h" and Go durations.
func (d *Duration) Unpack(s string) error {
	s = strings.TrimSpace(s)
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return fmt.Errorf("invalid duration %q", s)
		}
		days, s = n, s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return fmt.Errorf("invalid duration %q: use e.g. 7d, 36h or 90m", s)
		}
	}
	*d = Duration(time.Duration(days)*24*time.Hour + rest)
	return nil
}
