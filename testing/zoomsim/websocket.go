// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomsim

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Zoom's WebSocket event subscriptions, as Zoom documents them
// (developers.zoom.us/docs/api/websockets and its sample,
// zoom/websocket-js-sample), on the same server as the OAuth tokens:
//
//   - a client connects to WebSocketURL(id) with &access_token=<token>; the
//     first message is build_connection, success false with Zoom's content
//     ("token is empty", "Invalid Token") and then a close, or success true;
//   - the client sends {"module":"heartbeat"} (every 30 s in Zoom's sample)
//     and is answered success true, content "live"; a connection silent for
//     HeartbeatTimeout is closed;
//   - events come as {"module":"message","content":"<the event's JSON>"};
//     Zoom keeps none: an event published while nothing is connected is
//     dropped;
//   - one connection per subscription: a new one closes the older.
//
// What an open connection sees when its token expires is not documented:
// ExpireOpenConnections plays either a close or an error message.
//
// github.com/coder/websocket serves it: maintained, context-aware, and
// able to cut a message midway (BreakNextMessage) through its Writer.
type subscription struct {
	current   *websocket.Conn
	connects  int
	dropped   int
	stalled   bool        // heartbeats go unanswered
	breakNext bool        // the next message is cut midway and the connection broken
	beats     []time.Time // when each heartbeat came
}

// WebSocket modules of Zoom's envelopes.
const (
	moduleBuildConnection = "build_connection"
	moduleHeartbeat       = "heartbeat"
	moduleMessage         = "message"
)

// envelope is a message of Zoom's WebSocket protocol.
type envelope struct {
	Module  string `json:"module"`
	Success *bool  `json:"success,omitempty"`
	Content string `json:"content,omitempty"`
}

// WebSocketURL is the endpoint of a subscription, as Zoom shows it in the
// app's event subscription (with ws:// or wss://, as the server serves).
func (s *ReportServer) WebSocketURL(subscriptionID string) string {
	u := strings.Replace(s.srv.URL, "http", "ws", 1)
	return u + "/ws?subscriptionId=" + subscriptionID
}

// AddSubscription makes a subscription id known.
func (s *ReportServer) AddSubscription(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = map[string]*subscription{}
	}
	if s.subs[id] == nil {
		s.subs[id] = &subscription{}
	}
}

// Publish sends an event (a webhook body) to the subscription's connection;
// false when none is open and the event is dropped, as Zoom drops it.
func (s *ReportServer) Publish(id string, event []byte) bool {
	s.mu.Lock()
	sub := s.subs[id]
	if sub == nil || sub.current == nil {
		if sub != nil {
			sub.dropped++
		}
		s.mu.Unlock()
		return false
	}
	c, cut := sub.current, sub.breakNext
	sub.breakNext = false
	s.mu.Unlock()
	msg, _ := json.Marshal(envelope{Module: moduleMessage, Content: string(event)})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if cut {
		w, err := c.Writer(ctx, websocket.MessageText)
		if err == nil {
			_, _ = w.Write(msg[:len(msg)/2])
		}
		_ = c.CloseNow() // the rest never comes
		return true
	}
	return c.Write(ctx, websocket.MessageText, msg) == nil
}

// StallHeartbeats stops (or resumes) the answers to the subscription's
// heartbeats, as a connection that hangs would.
func (s *ReportServer) StallHeartbeats(id string, stalled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[id].stalled = stalled
}

// BreakNextMessage cuts the subscription's next message midway and breaks
// the connection.
func (s *ReportServer) BreakNextMessage(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[id].breakNext = true
}

// RefuseTokens makes build_connection refuse every token, as revoked
// credentials would.
func (s *ReportServer) RefuseTokens(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseTokens = refuse
}

// ExpireOpenConnections expires every token, and has each open connection
// learn it: with a close (asError false) or an error message, success false
// and content "Invalid Token", on the connection that stays open.
func (s *ReportServer) ExpireOpenConnections(asError bool) {
	s.ExpireTokens()
	s.mu.Lock()
	var open []*websocket.Conn
	for _, sub := range s.subs {
		if sub.current != nil {
			open = append(open, sub.current)
		}
	}
	s.mu.Unlock()
	for _, c := range open {
		if asError {
			_ = writeEnvelope(c, envelope{Module: moduleBuildConnection, Success: new(false), Content: "Invalid Token"})
			continue
		}
		closeLater(c, "token expired")
	}
}

// Connects counts the subscription's accepted connections; Dropped its
// events published while none was open.
func (s *ReportServer) Connects(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs[id].connects
}

// Heartbeats are the times the subscription's heartbeats came, on every
// connection.
func (s *ReportServer) Heartbeats(id string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.subs[id].beats...)
}

// Disconnect closes the subscription's open connection, with a close frame
// (goingAway: 1001, as a server restart) or without one (the network).
func (s *ReportServer) Disconnect(id string, goingAway bool) {
	s.mu.Lock()
	c := s.subs[id].current
	s.mu.Unlock()
	if c == nil {
		return
	}
	if goingAway {
		go func() { _ = c.Close(websocket.StatusGoingAway, "server restart") }()
		return
	}
	_ = c.CloseNow()
}

func (s *ReportServer) Dropped(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs[id].dropped
}

// closeLater closes c with a close frame without waiting here for the
// client's answer, which Close waits for.
func closeLater(c *websocket.Conn, reason string) {
	go func() { _ = c.Close(websocket.StatusPolicyViolation, reason) }()
}

func writeEnvelope(c *websocket.Conn, e envelope) error {
	b, _ := json.Marshal(e)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Write(ctx, websocket.MessageText, b)
}

// websocket serves /ws.
func (s *ReportServer) websocket(w http.ResponseWriter, r *http.Request) {
	id, token := r.URL.Query().Get("subscriptionId"), r.URL.Query().Get("access_token")
	s.mu.Lock()
	sub := s.subs[id]
	exp, known := s.tokens[token]
	refuse, timeout := s.refuseTokens, s.HeartbeatTimeout
	s.mu.Unlock()
	if sub == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "Subscription not found"})
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	refused := ""
	switch {
	case token == "":
		refused = "token is empty"
	case refuse || !known || time.Now().After(exp):
		refused = "Invalid Token"
	}
	if refused != "" {
		_ = writeEnvelope(c, envelope{Module: moduleBuildConnection, Success: new(false), Content: refused})
		_ = c.Close(websocket.StatusPolicyViolation, refused)
		return
	}
	s.mu.Lock()
	older := sub.current
	sub.current = c
	sub.connects++
	s.mu.Unlock()
	if older != nil {
		closeLater(older, "a new connection for this subscription replaced this one")
	}
	defer func() {
		s.mu.Lock()
		if sub.current == c {
			sub.current = nil
		}
		s.mu.Unlock()
		_ = c.CloseNow()
	}()
	if writeEnvelope(c, envelope{Module: moduleBuildConnection, Success: new(true), Content: "connected"}) != nil {
		return
	}
	if timeout == 0 {
		timeout = 90 * time.Second
	}
	// A Read whose context ends closes the connection without a close
	// frame; silence is closed with one, from a timer.
	silent := time.AfterFunc(timeout, func() { closeLater(c, "no heartbeat") })
	defer silent.Stop()
	for {
		_, b, err := c.Read(r.Context())
		if err != nil {
			return
		}
		silent.Reset(timeout)
		var e envelope
		if json.Unmarshal(b, &e) != nil || e.Module != moduleHeartbeat {
			continue
		}
		s.mu.Lock()
		stalled := sub.stalled
		sub.beats = append(sub.beats, time.Now())
		s.mu.Unlock()
		if !stalled {
			_ = writeEnvelope(c, envelope{Module: moduleHeartbeat, Success: new(true), Content: "live"})
		}
	}
}
