// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package zoomoauth gets the access tokens of a Zoom app (Server-to-Server
// OAuth, or a general app's client credentials) and builds the HTTP client
// that reaches Zoom through the user's TLS and proxy settings: what
// zoom_reports and zoom_websocket both need.
package zoomoauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The grants of Zoom's token endpoint that an app's credentials get a token
// with: account_credentials (a Server-to-Server OAuth app, with its account
// id; what the Reports API is documented with) and client_credentials (the
// app alone; what Zoom's WebSocket page and sample use).
const (
	GrantAccountCredentials = "account_credentials"
	GrantClientCredentials  = "client_credentials"
)

// App is a Zoom app's credentials and the grant that gets its tokens.
// AccountID is sent with account_credentials only.
type App struct {
	Grant                             string
	AccountID, ClientID, ClientSecret string
}

// TokenSource gets tokens through x/oauth2's client credentials flow, with
// Zoom's grant (for account_credentials the account id goes in the form
// body, so that no URL, and so no url.Error in a log, carries it), reused
// until Margin before they expire by oauth2.ReuseTokenSourceWithExpiry. It
// adds what Zoom calls for: a token Zoom rejected is dropped (Invalidate),
// and errors carry Zoom's `reason`.
type TokenSource struct {
	base      oauth2.TokenSource
	onRefresh func() // metrics

	mu    sync.Mutex
	reuse oauth2.TokenSource
	last  string // the access token reuse handed out last
}

// NewTokenSource gets app's tokens from tokenURL through client; onRefresh
// (metrics), if not nil, learns of each new token. client's Timeout bounds
// each token request.
func NewTokenSource(client *http.Client, tokenURL string, app App, onRefresh func()) *TokenSource {
	params := map[string][]string{"grant_type": {app.Grant}}
	if app.Grant == GrantAccountCredentials {
		params["account_id"] = []string{app.AccountID}
	}
	conf := clientcredentials.Config{
		ClientID:       app.ClientID,
		ClientSecret:   app.ClientSecret,
		TokenURL:       tokenURL,
		AuthStyle:      oauth2.AuthStyleInHeader,
		EndpointParams: params,
	}
	base := fetcher{conf: conf, ctx: context.WithValue(context.Background(), oauth2.HTTPClient, client)}
	return &TokenSource{base: base, onRefresh: onRefresh, reuse: oauth2.ReuseTokenSourceWithExpiry(nil, base, Margin)}
}

// fetcher asks for a new token on every call. clientcredentials' own
// TokenSource already reuses its token, which a token Zoom rejected must not
// be: the reuse (and its dropping) is ReuseTokenSourceWithExpiry's, above it.
type fetcher struct {
	conf clientcredentials.Config
	ctx  context.Context
}

func (f fetcher) Token() (*oauth2.Token, error) { return f.conf.Token(f.ctx) }

// Margin is how long before expiry a token is replaced, so that a request
// never leaves with a token that dies on the way.
const Margin = 2 * time.Minute

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
func (ts *TokenSource) Token(ctx context.Context) (string, error) {
	tok, _, err := ts.TokenExpiry(ctx)
	return tok, err
}

// TokenExpiry is Token with the token's expiry (zero when Zoom gave none).
// ctx ends the wait for a token request; the request itself is bounded by
// the client's Timeout.
func (ts *TokenSource) TokenExpiry(ctx context.Context) (string, time.Time, error) {
	ts.mu.Lock()
	reuse := ts.reuse
	ts.mu.Unlock()
	type result struct {
		tok *oauth2.Token
		err error
	}
	got := make(chan result, 1)
	go func() {
		tok, err := reuse.Token()
		got <- result{tok, err}
	}()
	var r result
	select {
	case r = <-got:
	case <-ctx.Done():
		return "", time.Time{}, fmt.Errorf("requesting an OAuth token: %w", ctx.Err())
	}
	if r.err != nil {
		return "", time.Time{}, zoomOAuthError(r.err)
	}
	ts.mu.Lock()
	fresh := r.tok.AccessToken != ts.last
	ts.last = r.tok.AccessToken
	ts.mu.Unlock()
	if fresh && ts.onRefresh != nil {
		ts.onRefresh()
	}
	return r.tok.AccessToken, r.tok.Expiry, nil
}

// Invalidate drops token after Zoom rejected it, unless it was already
// replaced: the next Token asks for a new one.
func (ts *TokenSource) Invalidate(token string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.last == token {
		ts.reuse = oauth2.ReuseTokenSourceWithExpiry(nil, ts.base, Margin)
		ts.last = ""
	}
}

// zoomOAuthError turns x/oauth2's error for a refused request into
// OAuthError with Zoom's reason; other errors (the network) pass through.
func zoomOAuthError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("requesting an OAuth token: %w", err)
	}
	var e struct{ Reason, Error string }
	_ = json.Unmarshal(re.Body, &e)
	if e.Reason == "" {
		e.Reason = strings.TrimSpace(string(re.Body))
	}
	if e.Error == "" {
		e.Error = re.ErrorCode
	}
	return &OAuthError{Status: re.Response.StatusCode, Code: e.Error, Reason: e.Reason}
}
