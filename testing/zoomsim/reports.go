// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomsim

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ReportServer plays Zoom's Server-to-Server OAuth and Reports API as Zoom
// documents them: tokens for Basic-authenticated account_credentials grants
// that expire, bearer-token checks (401 when expired or unknown), reports
// listed by whole UTC days with windows of at most one month (400 beyond),
// page_size up to 300 (30 by default), next_page_token paging with entries
// newest first, and injected 429 (with Retry-After and X-RateLimit-*
// headers) and 5xx answers. It also serves WebSocket event subscriptions
// with the same tokens (websocket.go), and grants client_credentials,
// which Zoom's WebSocket page names, besides account_credentials.
type ReportServer struct {
	AccountID, ClientID, ClientSecret string
	TokenTTL                          time.Duration // 1h when zero
	// HeartbeatTimeout is how long a WebSocket connection may stay silent
	// before the server closes it; 90 s (three of Zoom's sample's 30 s
	// heartbeats) when zero.
	HeartbeatTimeout time.Duration

	mu        sync.Mutex
	srv       *httptest.Server
	reports   map[string][]listed  // by listing key: operation_logs, activity_logs...; newest first once sorted
	unsorted  map[string]bool      // listings added to since they were last sorted
	tokens    map[string]time.Time // token -> expiry
	faults    []fault
	stuck     map[string]bool // paths whose next_page_token never changes
	requests  map[string]int  // by "METHOD path status"
	tokenReqs int

	subs         map[string]*subscription // WebSocket event subscriptions, by id
	refuseTokens bool
}

type fault struct {
	path       string
	status     int
	retryAfter string
	limitType  string // X-RateLimit-Type of a 429: QPS unless set
	left       int
}

var reportPaths = map[string]string{
	"/v2/report/operationlogs":      "operation_logs",
	"/v2/report/activities":         "activity_logs",
	"/v2/report/meeting_activities": "meeting_activity_logs",
}

// timeKeys name the key of an entry that holds its time, by listing key.
var timeKeys = map[string]string{"meeting_activity_logs": "activity_time"}

// timeOf is an entry's time as listed under key.
func timeOf(key string, e map[string]any) string {
	s, _ := e[cmp.Or(timeKeys[key], "time")].(string)
	return s
}

// NewReportServer starts a stand-in on a loopback port, over HTTP.
func NewReportServer(accountID, clientID, clientSecret string) *ReportServer {
	s := newReportServer(accountID, clientID, clientSecret)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewTLSReportServer starts a stand-in over HTTPS, with a certificate that
// Certificate returns.
func NewTLSReportServer(accountID, clientID, clientSecret string) *ReportServer {
	s := newReportServer(accountID, clientID, clientSecret)
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	return s
}

// Certificate is the TLS server's certificate, PEM-encoded.
func (s *ReportServer) Certificate() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

func newReportServer(accountID, clientID, clientSecret string) *ReportServer {
	return &ReportServer{
		AccountID: accountID, ClientID: clientID, ClientSecret: clientSecret,
		reports:  map[string][]listed{},
		unsorted: map[string]bool{},
		tokens:   map[string]time.Time{},
		requests: map[string]int{},
		stuck:    map[string]bool{},
	}
}

// URL is the server's base; the API is at URL+"/v2", OAuth at
// URL+"/oauth/token".
func (s *ReportServer) URL() string { return s.srv.URL }

// Close stops the server.
func (s *ReportServer) Close() { s.srv.Close() }

// AddOperationLogs and AddActivities add entries to the reports.
func (s *ReportServer) AddOperationLogs(entries ...map[string]any) { s.add("operation_logs", entries) }
func (s *ReportServer) AddActivities(entries ...map[string]any)    { s.add("activity_logs", entries) }

// AddMeetingActivities adds entries of the meeting activities report.
func (s *ReportServer) AddMeetingActivities(entries ...map[string]any) {
	s.add("meeting_activity_logs", entries)
}

// listed is an entry with the day Zoom lists it under.
type listed struct {
	day   time.Time
	entry map[string]any
}

func (s *ReportServer) add(key string, entries []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		s.reports[key] = append(s.reports[key], listed{entry: e})
	}
	s.unsorted[key] = true
}

// listing returns the entries of key listed between the days from and to,
// newest first. The listing is sorted once after entries are added, and a
// window is found by binary search, so that a stand-in with a million
// entries (the backfill benchmark) answers each page at once.
func (s *ReportServer) listing(key string, from, to time.Time) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.reports[key]
	if s.unsorted[key] {
		for i := range all {
			t, err := time.Parse(time.RFC3339, timeOf(key, all[i].entry))
			if err != nil {
				t = time.Now() // an entry without a valid time is listed with today's
			}
			all[i].day = t.UTC().Truncate(24 * time.Hour)
		}
		sort.SliceStable(all, func(i, j int) bool {
			if !all[i].day.Equal(all[j].day) {
				return all[i].day.After(all[j].day)
			}
			return timeOf(key, all[i].entry) > timeOf(key, all[j].entry)
		})
		s.unsorted[key] = false
	}
	first := sort.Search(len(all), func(i int) bool { return !all[i].day.After(to) })
	last := sort.Search(len(all), func(i int) bool { return all[i].day.Before(from) })
	out := make([]map[string]any, 0, max(last-first, 0))
	for _, l := range all[first:max(last, first)] {
		out = append(out, l.entry)
	}
	return out
}

// Fail makes the next n requests to path (e.g. /v2/report/activities) answer
// status; retryAfter, if set, goes into Retry-After.
func (s *ReportServer) Fail(path string, status, n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{path: path, status: status, retryAfter: retryAfter, left: n})
}

// ClearFaults drops the faults that Fail and FailDaily set and not yet used.
func (s *ReportServer) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// FailDaily makes the next n requests to path answer 429 as Zoom does once
// the account's daily quota is spent: X-RateLimit-Type Daily-limit, with
// Retry-After (an HTTP date or seconds) saying when requests are allowed again.
func (s *ReportServer) FailDaily(path string, n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{path: path, status: http.StatusTooManyRequests, retryAfter: retryAfter, limitType: "Daily-limit", left: n})
}

// StickPageToken makes path answer every page with the same
// next_page_token, as a faulty API might: a client that follows it pages
// forever.
func (s *ReportServer) StickPageToken(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stuck[path] = true
}

// ExpireTokens makes every issued token expired, as an hour passing would.
func (s *ReportServer) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Now().Add(-time.Second)
	}
}

// Requests counts the requests answered with status on path (status 0: all).
func (s *ReportServer) Requests(path string, status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.requests {
		f := strings.Fields(k)
		if f[1] == path && (status == 0 || f[2] == strconv.Itoa(status)) {
			n += c
		}
	}
	return n
}

// TokenRequests counts token grants asked for.
func (s *ReportServer) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

func (s *ReportServer) serve(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: 200}
	switch {
	case r.URL.Path == "/oauth/token":
		s.token(rec, r)
	case r.URL.Path == "/ws":
		if s.injectFault(rec, r.URL.Path) { // Fail("/ws", ...): the handshake answered as by an outage
			break
		}
		s.websocket(w, r) // hijacked: the recorder cannot follow it
	case reportPaths[r.URL.Path] != "":
		s.report(rec, r, reportPaths[r.URL.Path])
	default:
		writeJSON(rec, http.StatusNotFound, map[string]any{"code": 404, "message": "Not found"})
	}
	s.mu.Lock()
	s.requests[fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, rec.status)]++
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *ReportServer) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenReqs++
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"reason": "Method not allowed", "error": "invalid_request"})
		return
	}
	// Zoom takes the grant in the query string (as its docs show) or as a
	// form body (as OAuth libraries send it); r.Form holds both.
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"reason": "Invalid request", "error": "invalid_request"})
		return
	}
	q := r.Form
	// account_credentials names the account (Server-to-Server OAuth apps);
	// client_credentials, which Zoom's WebSocket page names, does not.
	grant := q.Get("grant_type")
	if grant != "account_credentials" && grant != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"reason": "Unsupported grant type", "error": "unsupported_grant_type"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.ClientID || secret != s.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
		return
	}
	if grant == "account_credentials" && q.Get("account_id") != s.AccountID {
		writeJSON(w, http.StatusBadRequest, map[string]any{"reason": "Invalid request : Account id is invalid.", "error": "invalid_request"})
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "eyJzdiI6IjAwMDAwMSJ9." + hex.EncodeToString(b)
	ttl := s.TokenTTL
	if ttl == 0 {
		ttl = time.Hour
	}
	s.mu.Lock()
	s.tokens[tok] = time.Now().Add(ttl)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": int(ttl.Seconds()),
		"scope": "report:read:admin", "api_url": "https://api.zoom.us",
	})
}

func (s *ReportServer) report(w http.ResponseWriter, r *http.Request, key string) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	exp, known := s.tokens[tok]
	s.mu.Unlock()
	switch {
	case !ok || !known:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 124, "message": "Invalid access token."})
		return
	case time.Now().After(exp):
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 124, "message": "Access token is expired."})
		return
	}
	if s.injectFault(w, r.URL.Path) {
		return
	}
	q := r.URL.Query()
	if key == "meeting_activity_logs" && q.Get("activity_type") == "" {
		// Zoom requires the activity type of this report.
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "Invalid field: activity_type."})
		return
	}
	from, err1 := time.Parse(time.DateOnly, q.Get("from"))
	to, err2 := time.Parse(time.DateOnly, q.Get("to"))
	if err1 != nil || err2 != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "from and to must be dates in yyyy-mm-dd format."})
		return
	}
	if to.Before(from) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "The to date must be after the from date."})
		return
	}
	if to.After(from.AddDate(0, 1, 0)) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "The date range can not exceed one month."})
		return
	}
	size := 30
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 300 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "Invalid field: page_size, the maximum is 300."})
			return
		}
		size = n
	}
	offset := 0
	if t := q.Get("next_page_token"); t != "" {
		raw, err := base64.RawURLEncoding.DecodeString(t)
		parts := strings.Split(string(raw), "|")
		if err != nil || len(parts) != 3 || parts[0] != q.Get("from") || parts[1] != q.Get("to") {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "Invalid next_page_token."})
			return
		}
		offset, _ = strconv.Atoi(parts[2])
	}

	match := s.listing(key, from, to)

	end := min(offset+size, len(match))
	next := ""
	if end < len(match) {
		next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s|%s|%d", q.Get("from"), q.Get("to"), end)))
	}
	s.mu.Lock()
	if s.stuck[r.URL.Path] {
		next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s|%s|0", q.Get("from"), q.Get("to"))))
	}
	s.mu.Unlock()
	list := []map[string]any{}
	if offset < len(match) {
		list = match[offset:end]
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": q.Get("from"), "to": q.Get("to"), "page_size": size,
		"next_page_token": next, key: list,
	})
}

func (s *ReportServer) injectFault(w http.ResponseWriter, path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := &s.faults[i]
		if f.left == 0 || f.path != path {
			continue
		}
		f.left--
		if f.status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", f.retryAfter)
			w.Header().Set("X-RateLimit-Category", "Heavy")
			if f.limitType == "Daily-limit" {
				w.Header().Set("X-RateLimit-Type", "Daily-limit")
				w.Header().Set("X-RateLimit-Limit", "30000")
				w.Header().Set("X-RateLimit-Remaining", "0")
				writeJSON(w, f.status, map[string]any{"code": 429, "message": "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."})
				return true
			}
			w.Header().Set("X-RateLimit-Type", "QPS")
			w.Header().Set("X-RateLimit-Limit", "10")
			w.Header().Set("X-RateLimit-Remaining", "0")
			writeJSON(w, f.status, map[string]any{"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."})
			return true
		}
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		writeJSON(w, f.status, map[string]any{"code": f.status, "message": http.StatusText(f.status)})
		return true
	}
	return false
}
