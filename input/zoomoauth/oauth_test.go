// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomoauth

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// Both of Zoom's grants get a token from the stand-in, which checks what
// each must carry: the account id with account_credentials, none with
// client_credentials. A token is reused until Margin before it expires.
func TestGrantsGetTokens(t *testing.T) {
	srv := zoomsim.NewReportServer("acct", "cid", "secret")
	defer srv.Close()
	for _, grant := range []string{GrantAccountCredentials, GrantClientCredentials} {
		t.Run(grant, func(t *testing.T) {
			before := srv.TokenRequests()
			ts := NewTokenSource(http.DefaultClient, srv.URL()+"/oauth/token", App{Grant: grant, AccountID: "acct", ClientID: "cid", ClientSecret: "secret"}, nil)
			tok, exp, err := ts.TokenExpiry(context.Background())
			require.NoError(t, err)
			assert.NotEmpty(t, tok)
			assert.WithinDuration(t, time.Now().Add(time.Hour), exp, time.Minute)
			again, err := ts.Token(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tok, again, "the token is reused")
			assert.Equal(t, before+1, srv.TokenRequests())
			ts.Invalidate(tok)
			fresh, err := ts.Token(context.Background())
			require.NoError(t, err)
			assert.NotEqual(t, tok, fresh, "an invalidated token is replaced")
		})
	}
}

// A refusal is an OAuthError with Zoom's reason.
func TestRefusalCarriesZoomsReason(t *testing.T) {
	srv := zoomsim.NewReportServer("acct", "cid", "secret")
	defer srv.Close()
	for grant, app := range map[string]App{
		"wrong secret":  {Grant: GrantClientCredentials, ClientID: "cid", ClientSecret: "nope"},
		"wrong account": {Grant: GrantAccountCredentials, AccountID: "other", ClientID: "cid", ClientSecret: "secret"},
	} {
		_, err := NewTokenSource(http.DefaultClient, srv.URL()+"/oauth/token", app, nil).Token(context.Background())
		var oe *OAuthError
		require.True(t, errors.As(err, &oe), "%s: %v", grant, err)
		assert.Contains(t, oe.Reason, map[string]string{"wrong secret": "Invalid client_id or client_secret", "wrong account": "Account id is invalid"}[grant])
	}
}

func TestMaskUserinfo(t *testing.T) {
	assert.Equal(t, `"http://REDACTED@p:1/x@y"`, MaskUserinfo("http://u:p@p:1/x@y"))
	assert.Equal(t, `"http://p:1"`, MaskUserinfo("http://p:1"))
	assert.Error(t, CheckProxyURL("http://u:p@"))
	assert.NotContains(t, CheckProxyURL("http://u:secretpw@").Error(), "secretpw")
	assert.NoError(t, CheckProxyURL(""))
}

// A token within Margin of its expiry is not handed out: a new one is asked
// for (oauth2.ReuseTokenSourceWithExpiry's early expiry).
func TestTokenNearExpiryIsReplaced(t *testing.T) {
	srv := zoomsim.NewReportServer("acct", "cid", "secret")
	defer srv.Close()
	srv.TokenTTL = Margin - time.Second
	refreshes := 0
	ts := NewTokenSource(http.DefaultClient, srv.URL()+"/oauth/token", App{Grant: GrantClientCredentials, ClientID: "cid", ClientSecret: "secret"}, func() { refreshes++ })
	first, err := ts.Token(context.Background())
	require.NoError(t, err)
	second, err := ts.Token(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, first, second)
	assert.Equal(t, 2, srv.TokenRequests())
	assert.Equal(t, 2, refreshes, "onRefresh learns of each new token")
}

// The client's errors name the setting at fault: a CA file that cannot be
// read is an ssl error, a proxy_url that does not parse hides its password.
func TestHTTPClientNamesTheSetting(t *testing.T) {
	_, err := HTTPClient(Transport{TLS: &tlscommon.Config{CAs: []string{"/no/such/ca.pem"}}}, logp.NewNopLogger())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ssl: ")
	_, err = HTTPClient(Transport{ProxyURL: "http://u:hunter2@proxy example:3128"}, logp.NewNopLogger())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "proxy_url")
	assert.NotContains(t, err.Error(), "hunter2")
	c, err := HTTPClient(Transport{ProxyURL: "http://proxy.example.com:3128", Timeout: time.Second}, logp.NewNopLogger())
	require.NoError(t, err)
	assert.Equal(t, time.Second, c.Timeout)
}
