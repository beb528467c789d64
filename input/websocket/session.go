// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// The modules of Zoom's WebSocket envelopes.
const (
	moduleBuildConnection = "build_connection"
	moduleHeartbeat       = "heartbeat"
	moduleMessage         = "message"
)

// envelope is a message of Zoom's WebSocket protocol:
// {"module": ..., "success": ..., "content": ..., "header": {...}}. For
// module message, content is the event's JSON, as a string.
type envelope struct {
	Module  string `json:"module"`
	Success *bool  `json:"success"`
	Content string `json:"content"`
}

var heartbeat = []byte(`{"module":"heartbeat"}`)

// session is one connection to Zoom: a goroutine reading it (and publishing
// its events) and one sending heartbeats and watching for silence.
type session struct {
	conn    *websocket.Conn
	token   string    // the access token it was opened with
	expiry  time.Time // the token's expiry (zero: Zoom gave none)
	opened  time.Time
	handle  func(env envelope, raw []byte) // publishes a message's event; may block
	metrics *inputMetrics
	beat    time.Duration // heartbeat_interval

	ctx    context.Context
	cancel context.CancelFunc

	accepted chan struct{} // closed on build_connection success
	acceptMu sync.Once
	done     chan struct{} // closed when the session has ended
	endOnce  sync.Once
	reason   string // why it ended, one of the reason* constants
	cause    string // Zoom's words or the error, for the log and status
	ended    time.Time

	// lastHeard is when the connection last gave a sign of life (UnixNano).
	// publishing is set while the reader waits for the pipeline: it reads
	// nothing then, so the silence is the output's, not the connection's.
	lastHeard  atomic.Int64
	publishing atomic.Bool
}

func newSession(conn *websocket.Conn, token string, expiry time.Time, beat time.Duration, m *inputMetrics, handle func(envelope, []byte)) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{
		conn: conn, token: token, expiry: expiry, opened: time.Now(), handle: handle, metrics: m, beat: beat,
		ctx: ctx, cancel: cancel, accepted: make(chan struct{}), done: make(chan struct{}),
	}
	s.lastHeard.Store(time.Now().UnixNano())
	return s
}

// run reads and heartbeats until the session ends; it returns once both
// goroutines are done.
func (s *session) run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.heartbeats()
	}()
	s.read()
	wg.Wait()
}

// end ends the session once, for reason; the connection is closed without
// waiting for Zoom's answer.
func (s *session) end(reason, cause string) {
	s.endOnce.Do(func() {
		s.reason, s.cause, s.ended = reason, cause, time.Now()
		s.cancel()
		_ = s.conn.CloseNow()
		close(s.done)
	})
}

// close ends the session with a close frame (the input stops, or a newer
// connection took over), waiting at most a second for Zoom's answer.
func (s *session) close(reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	go func() {
		<-ctx.Done()
		s.end(reason, "")
	}()
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
	s.end(reason, "")
}

func (s *session) read() {
	for {
		_, raw, err := s.conn.Read(s.ctx)
		if err != nil {
			s.end(readFailure(err))
			return
		}
		now := time.Now()
		s.lastHeard.Store(now.UnixNano())
		s.metrics.message(now)
		var env envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			// Not Zoom's envelope: published as it came, with the error,
			// rather than dropped, in case it carries an event.
			s.wait(func() { s.handle(envelope{}, raw) })
			continue
		}
		switch env.Module {
		case moduleBuildConnection:
			if env.Success != nil && *env.Success {
				s.acceptMu.Do(func() { close(s.accepted) })
				continue
			}
			select {
			case <-s.accepted:
				// On an open connection, a failed build_connection is
				// Zoom saying that its token is no longer valid.
				s.end(reasonTokenExpiry, env.Content)
			default:
				s.end(reasonRefused, env.Content)
			}
			return
		case moduleHeartbeat:
			s.metrics.heartbeatAnswer.Inc()
		case moduleMessage:
			s.wait(func() { s.handle(env, raw) })
		}
		// Other modules carry nothing to publish.
	}
}

// wait runs a publish, during which the connection is not read and so its
// silence does not count.
func (s *session) wait(publish func()) {
	s.publishing.Store(true)
	publish()
	s.lastHeard.Store(time.Now().UnixNano())
	s.publishing.Store(false)
}

// heartbeats sends Zoom's heartbeat every interval, the first one interval
// after the connection opened, and ends the session when it has heard
// nothing for two intervals. A slow output does not hold heartbeats up: they
// are written from here, not from the reader.
func (s *session) heartbeats() {
	beat := time.NewTicker(s.beat)
	defer beat.Stop()
	check := time.NewTicker(s.beat / 4)
	defer check.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-check.C:
			heard := time.Unix(0, s.lastHeard.Load())
			if !s.publishing.Load() && now.Sub(heard) > 2*s.beat {
				s.end(reasonSilent, fmt.Sprintf("nothing received for %v, two heartbeat intervals", now.Sub(heard).Round(time.Millisecond)))
				return
			}
		case <-beat.C:
			ctx, cancel := context.WithTimeout(s.ctx, s.beat)
			err := s.conn.Write(ctx, websocket.MessageText, heartbeat)
			cancel()
			if err != nil {
				s.end(readFailure(err))
				return
			}
			s.metrics.heartbeats.Inc()
		}
	}
}

// readFailure names why a read or write ended the connection.
func readFailure(err error) (reason, cause string) {
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce):
		if ce.Code == websocket.StatusMessageTooBig {
			return reasonTooBig, "a message over max_message_bytes"
		}
		cause := fmt.Sprintf("Zoom closed the connection (%d", ce.Code)
		if ce.Reason != "" {
			cause += ": " + ce.Reason
		}
		return reasonClosed, cause + ")"
	case errors.Is(err, websocket.ErrMessageTooBig):
		return reasonTooBig, "a message over max_message_bytes"
	case strings.Contains(err.Error(), "EOF"):
		return reasonClosed, "the connection ended without a close frame"
	}
	return reasonError, err.Error()
}
