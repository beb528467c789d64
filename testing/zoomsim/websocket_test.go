// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomsim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// grant gets a token from the stand-in with the given grant type.
func grant(t *testing.T, s *ReportServer, grantType string) string {
	t.Helper()
	q := url.Values{"grant_type": {grantType}}
	if grantType == "account_credentials" {
		q.Set("account_id", s.AccountID)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/oauth/token?"+q.Encode(), nil)
	require.NoError(t, err)
	req.SetBasicAuth(s.ClientID, s.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	return tok.AccessToken
}

func dialSubscription(t *testing.T, s *ReportServer, id, token string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, s.WebSocketURL(id)+"&access_token="+url.QueryEscape(token), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

func readEnvelope(t *testing.T, c *websocket.Conn) (envelope, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		return envelope{}, err
	}
	var e envelope
	require.NoError(t, json.Unmarshal(b, &e))
	return e, nil
}

func heartbeat(t *testing.T, c *websocket.Conn) {
	t.Helper()
	require.NoError(t, c.Write(context.Background(), websocket.MessageText, []byte(`{"module":"heartbeat"}`)))
}

func TestWebSocketSubscription(t *testing.T) {
	s := NewReportServer("acct", "id", "secret")
	defer s.Close()
	s.AddSubscription("sub1")

	assert.False(t, s.Publish("sub1", []byte(`{"event":"meeting.started"}`)), "nothing connected: dropped")
	assert.Equal(t, 1, s.Dropped("sub1"))

	c := dialSubscription(t, s, "sub1", grant(t, s, "client_credentials"))
	e, err := readEnvelope(t, c)
	require.NoError(t, err)
	assert.Equal(t, moduleBuildConnection, e.Module)
	assert.True(t, *e.Success)

	heartbeat(t, c)
	e, err = readEnvelope(t, c)
	require.NoError(t, err)
	assert.Equal(t, envelope{Module: moduleHeartbeat, Success: new(true), Content: "live"}, e)

	body := `{"event":"meeting.started","payload":{"account_id":"acct"}}`
	assert.True(t, s.Publish("sub1", []byte(body)))
	e, err = readEnvelope(t, c)
	require.NoError(t, err)
	assert.Equal(t, moduleMessage, e.Module)
	assert.JSONEq(t, body, e.Content, "content is the event as a string")

	// A second connection closes the first.
	second := dialSubscription(t, s, "sub1", grant(t, s, "account_credentials"))
	_, err = readEnvelope(t, second)
	require.NoError(t, err)
	_, err = readEnvelope(t, c)
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "the older connection is closed")
	assert.Equal(t, 2, s.Connects("sub1"))
}

func TestWebSocketRefusals(t *testing.T) {
	s := NewReportServer("acct", "id", "secret")
	defer s.Close()
	s.AddSubscription("sub1")
	for name, token := range map[string]string{"token is empty": "", "Invalid Token": "not-a-token"} {
		c := dialSubscription(t, s, "sub1", token)
		e, err := readEnvelope(t, c)
		require.NoError(t, err)
		assert.Equal(t, envelope{Module: moduleBuildConnection, Success: new(false), Content: name}, e)
		_, err = readEnvelope(t, c)
		assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "then the socket closes")
	}
	s.RefuseTokens(true)
	c := dialSubscription(t, s, "sub1", grant(t, s, "client_credentials"))
	e, err := readEnvelope(t, c)
	require.NoError(t, err)
	assert.False(t, *e.Success, "refused credentials")
	assert.Equal(t, 0, s.Connects("sub1"))
}

func TestWebSocketFaults(t *testing.T) {
	s := NewReportServer("acct", "id", "secret")
	s.HeartbeatTimeout = 300 * time.Millisecond
	defer s.Close()
	s.AddSubscription("sub1")
	token := grant(t, s, "client_credentials")

	// Silence past HeartbeatTimeout closes the connection.
	c := dialSubscription(t, s, "sub1", token)
	_, err := readEnvelope(t, c)
	require.NoError(t, err)
	_, err = readEnvelope(t, c)
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "closed for silence")

	// Stalled heartbeats go unanswered.
	c = dialSubscription(t, s, "sub1", token)
	_, err = readEnvelope(t, c)
	require.NoError(t, err)
	s.StallHeartbeats("sub1", true)
	heartbeat(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	_, _, err = c.Read(ctx)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "no answer")
	s.StallHeartbeats("sub1", false)

	// A message broken midway.
	c = dialSubscription(t, s, "sub1", token)
	_, err = readEnvelope(t, c)
	require.NoError(t, err)
	s.BreakNextMessage("sub1")
	s.Publish("sub1", []byte(`{"event":"meeting.ended"}`))
	_, err = readEnvelope(t, c)
	assert.Error(t, err)
	assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err), "no close frame: the connection broke")

	// An open connection learns its token expired: an error message, or a close.
	c = dialSubscription(t, s, "sub1", grant(t, s, "client_credentials"))
	_, err = readEnvelope(t, c)
	require.NoError(t, err)
	s.ExpireOpenConnections(true)
	e, err := readEnvelope(t, c)
	require.NoError(t, err)
	assert.Equal(t, envelope{Module: moduleBuildConnection, Success: new(false), Content: "Invalid Token"}, e)
	c = dialSubscription(t, s, "sub1", grant(t, s, "client_credentials"))
	_, err = readEnvelope(t, c)
	require.NoError(t, err)
	s.ExpireOpenConnections(false)
	_, err = readEnvelope(t, c)
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err))
}
