package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenSource gets Server-to-Server OAuth tokens (grant_type
// account_credentials) and reuses one until shortly before it expires.
type tokenSource struct {
	client                      *http.Client
	oauthURL                    string
	accountID, clientID, secret string
	now                         func() time.Time
	onRefresh                   func() // metrics

	mu      sync.Mutex
	token   string
	expires time.Time
}

// tokenMargin is how long before expiry a token is replaced, so that a
// request never leaves with a token that dies on the way.
const tokenMargin = 2 * time.Minute

// OAuthError is Zoom's refusal to issue a token; its text is Zoom's reason.
type OAuthError struct {
	Status int
	Code   string // Zoom's "error", e.g. invalid_client
	Reason string // Zoom's "reason", e.g. Invalid client_id or client_secret
}

func (e *OAuthError) Error() string {
	return fmt.Sprintf("Zoom refused the OAuth token request (HTTP %d, %s): %s", e.Status, e.Code, e.Reason)
}

// Token returns a valid access token, getting a new one when needed.
func (ts *tokenSource) Token(ctx context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && ts.now().Before(ts.expires.Add(-tokenMargin)) {
		return ts.token, nil
	}
	return ts.fetch(ctx)
}

// Invalidate drops token after the API rejected it, unless it was already
// replaced.
func (ts *tokenSource) Invalidate(token string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == token {
		ts.token = ""
	}
}

func (ts *tokenSource) fetch(ctx context.Context) (string, error) {
	u, err := url.Parse(ts.oauthURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("grant_type", "account_credentials")
	q.Set("account_id", ts.accountID)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(ts.clientID, ts.secret)
	req.Header.Set("Accept", "application/json")
	resp, err := ts.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting an OAuth token from %s: %w", redactURL(u), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Reason, Error string }
		_ = json.Unmarshal(body, &e)
		if e.Reason == "" {
			e.Reason = strings.TrimSpace(string(body))
		}
		return "", &OAuthError{Status: resp.StatusCode, Code: e.Error, Reason: e.Reason}
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("the OAuth answer from %s has no access_token", redactURL(u))
	}
	ts.token = tok.AccessToken
	ts.expires = ts.now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	if ts.onRefresh != nil {
		ts.onRefresh()
	}
	return ts.token, nil
}

// redactURL drops the query of a URL for logs: account ids stay out of them.
func redactURL(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}
