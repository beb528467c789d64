// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

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

// tokenSource gets Server-to-Server OAuth tokens through x/oauth2's client
// credentials flow, with Zoom's grant (account_credentials and the account
// id, sent in the form body so that no URL, and so no url.Error in a log,
// carries the account id), and adds what Zoom's API calls for: one token
// reused until shortly before it expires, dropped when the API rejects it,
// and Zoom's `reason` in errors.
type tokenSource struct {
	client    *http.Client
	conf      clientcredentials.Config
	now       func() time.Time
	onRefresh func() // metrics

	mu    sync.Mutex
	token *oauth2.Token
}

func newTokenSource(client *http.Client, oauthURL, accountID, clientID, secret string, onRefresh func()) *tokenSource {
	return &tokenSource{
		client: client,
		conf: clientcredentials.Config{
			ClientID:     clientID,
			ClientSecret: secret,
			TokenURL:     oauthURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
			EndpointParams: map[string][]string{
				"grant_type": {"account_credentials"},
				"account_id": {accountID},
			},
		},
		now:       time.Now,
		onRefresh: onRefresh,
	}
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
	if ts.token != nil && (ts.token.Expiry.IsZero() || ts.now().Before(ts.token.Expiry.Add(-tokenMargin))) {
		return ts.token.AccessToken, nil
	}
	tok, err := ts.conf.Token(context.WithValue(ctx, oauth2.HTTPClient, ts.client))
	if err != nil {
		return "", zoomOAuthError(err)
	}
	ts.token = tok
	if ts.onRefresh != nil {
		ts.onRefresh()
	}
	return tok.AccessToken, nil
}

// Invalidate drops token after the API rejected it, unless it was already
// replaced.
func (ts *tokenSource) Invalidate(token string) {
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
