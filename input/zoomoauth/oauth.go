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
// body, so that no URL, and so no url.Error in a log, carries it), and adds
// what Zoom's API calls for: one token reused until shortly before it
// expires, dropped when Zoom rejects it, and Zoom's `reason` in errors.
type TokenSource struct {
	client    *http.Client
	conf      clientcredentials.Config
	now       func() time.Time
	onRefresh func() // metrics

	mu    sync.Mutex
	token *oauth2.Token
}

// NewTokenSource gets app's tokens from tokenURL through client; onRefresh
// (metrics), if not nil, learns of each new token.
func NewTokenSource(client *http.Client, tokenURL string, app App, onRefresh func()) *TokenSource {
	params := map[string][]string{"grant_type": {app.Grant}}
	if app.Grant == GrantAccountCredentials {
		params["account_id"] = []string{app.AccountID}
	}
	return &TokenSource{
		client: client,
		conf: clientcredentials.Config{
			ClientID:       app.ClientID,
			ClientSecret:   app.ClientSecret,
			TokenURL:       tokenURL,
			AuthStyle:      oauth2.AuthStyleInHeader,
			EndpointParams: params,
		},
		now:       time.Now,
		onRefresh: onRefresh,
	}
}

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
func (ts *TokenSource) TokenExpiry(ctx context.Context) (string, time.Time, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != nil && (ts.token.Expiry.IsZero() || ts.now().Before(ts.token.Expiry.Add(-Margin))) {
		return ts.token.AccessToken, ts.token.Expiry, nil
	}
	tok, err := ts.conf.Token(context.WithValue(ctx, oauth2.HTTPClient, ts.client))
	if err != nil {
		return "", time.Time{}, zoomOAuthError(err)
	}
	ts.token = tok
	if ts.onRefresh != nil {
		ts.onRefresh()
	}
	return tok.AccessToken, tok.Expiry, nil
}

// Invalidate drops token after the API rejected it, unless it was already
// replaced.
func (ts *TokenSource) Invalidate(token string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != nil && ts.token.AccessToken == token {
		ts.token = nil
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
