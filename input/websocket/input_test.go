// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v2 "github.com/elastic/beats/v7/filebeat/input/v2"
	"github.com/elastic/beats/v7/libbeat/beat"
	pubtest "github.com/elastic/beats/v7/libbeat/publisher/testing"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp/logptest"
	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/statuslog"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

const sub = "sub-1"

type run struct {
	zoom   *zoomsim.ReportServer
	events chan beat.Event // what the input published; unread, Publish blocks
	reg    *monitoring.Registry
	states *statuslog.Log
	cancel context.CancelFunc
	done   chan error
}

// start runs the real input (Plugin → configure → Run) against a stand-in
// with one subscription; settings override the defaults. The output takes
// buffer events before Publish blocks until the test reads them.
func start(t *testing.T, zoom *zoomsim.ReportServer, buffer int, settings map[string]any, tweak func(*input)) *run {
	t.Helper()
	zoom.AddSubscription(sub)
	base := map[string]any{
		"url": zoom.WebSocketURL(sub), "client_id": "cid", "client_secret": "secret",
		"oauth_url": zoom.URL() + "/oauth/token", "timeout": "5s",
		"backoff.init": "100ms", "backoff.max": "1s",
	}
	for k, v := range settings {
		base[k] = v
	}
	log := logptest.NewTestingLogger(t, "")
	inp, err := Plugin(log).Manager.Create(conf.MustNewConfigFrom(base))
	require.NoError(t, err)
	if tweak != nil {
		tweak(inp.(*input))
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{zoom: zoom, events: make(chan beat.Event, buffer), reg: monitoring.NewRegistry(), states: &statuslog.Log{}, cancel: cancel, done: make(chan error, 1)}
	client := pubtest.NewChanClientWith(r.events)
	go func() {
		r.done <- inp.Run(v2.Context{Logger: log, ID: "test", Name: Name, Cancelation: ctx, MetricsRegistry: r.reg, StatusReporter: r.states}, pubtest.PublisherWithClient(client))
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *run) stop(t *testing.T) {
	r.cancel()
	select {
	case err := <-r.done:
		require.NoError(t, err)
		r.done <- err // a second stop returns too
	case <-time.After(10 * time.Second):
		t.Fatal("the input did not stop")
	}
}

func (r *run) metric(name string) any {
	snap := monitoring.CollectStructSnapshot(r.reg, monitoring.Full, false)
	var v any = snap
	for _, k := range strings.Split(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (r *run) count(name string) int64 {
	switch v := r.metric(name).(type) {
	case int64:
		return v
	case uint64:
		return int64(v)
	}
	return 0
}

// connected waits until the stand-in has accepted n connections in all and
// one is open, and the input says so.
func (r *run) connected(t *testing.T, n int) {
	t.Helper()
	if !assert.Eventually(t, func() bool {
		return r.zoom.Connects(sub) >= n && r.count("connects_total") >= int64(n) && strings.HasPrefix(r.states.Last(), "Running")
	}, 10*time.Second, 10*time.Millisecond) {
		t.Fatalf("%d connections wanted; the stand-in accepted %d, states %v", n, r.zoom.Connects(sub), r.states.All())
	}
}

// publish sends an event through the stand-in, which must have a
// connection open.
func (r *run) publish(t *testing.T, body string) {
	t.Helper()
	require.True(t, r.zoom.Publish(sub, []byte(body)), "the stand-in had no connection open")
}

func (r *run) next(t *testing.T) beat.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event published")
	}
	return beat.Event{}
}

func notification(i int) string {
	return fmt.Sprintf(`{"event":"meeting.started","event_ts":%d,"payload":{"account_id":"acct","object":{"id":%d,"uuid":"u%d","host_id":"h","topic":"t"}}}`, 1732435200000+i, 85000000000+i, i)
}

// An event's content is decoded, identified and mapped as a webhook body.
func TestEventsArriveDecodedAndIdentified(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 1000, map[string]any{"mapping": map[string]any{"redact_secrets": true}}, nil)
	r.connected(t, 1)
	body := notification(1)
	r.publish(t, body)
	ev := r.next(t)
	assert.Equal(t, contract.DeliveryID([]byte(body)), ev.Meta["_id"])
	assert.Equal(t, "meeting.started", get(ev, "event.action"), "mapped")
	assert.Equal(t, "85000000001", get(ev, "zoom.meeting.id"), "64-bit ids stay exact")
	assert.Equal(t, int64(1), r.count("events_published_total"))
	assert.NotEmpty(t, r.metric("last_message_time"))
}

func get(ev beat.Event, key string) any {
	v, _ := ev.Fields.GetValue(key)
	return v
}

// A message whose content is no Zoom event is published with what came and
// why, not dropped.
func TestUndecodableContentIsPublishedWithTheError(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 1000, nil, nil)
	r.connected(t, 1)
	r.publish(t, `{"payload":{}}`)
	ev := r.next(t)
	assert.Contains(t, get(ev, "error.message"), `no "event" string`)
	assert.Equal(t, `{"payload":{}}`, get(ev, "event.original"))
	assert.Equal(t, int64(1), r.count("decode_errors_total"))
}

// Heartbeats go out at heartbeat_interval and are answered.
func TestHeartbeatsAtTheInterval(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 1000, map[string]any{"heartbeat_interval": "200ms"}, nil)
	r.connected(t, 1)
	require.Eventually(t, func() bool { return len(zoom.Heartbeats(sub)) >= 6 }, 5*time.Second, 10*time.Millisecond)
	beats := zoom.Heartbeats(sub)
	for i := 1; i < len(beats); i++ {
		gap := beats[i].Sub(beats[i-1])
		assert.InDelta(t, 200, gap.Milliseconds(), 80, "heartbeat %d came %v after the one before", i, gap)
	}
	assert.GreaterOrEqual(t, r.count("heartbeats_answered_total"), int64(4))
}

// A server-side close (with a close frame or without) leads to a new
// connection within the backoff; the gap is logged as a gap and counted.
func TestServerCloseReconnectsAndCountsTheGap(t *testing.T) {
	for _, goingAway := range []bool{true, false} {
		t.Run(fmt.Sprintf("close frame %v", goingAway), func(t *testing.T) {
			zoom := zoomsim.NewReportServer("acct", "cid", "secret")
			defer zoom.Close()
			r := start(t, zoom, 1000, nil, nil)
			r.connected(t, 1)
			lost := time.Now()
			zoom.Disconnect(sub, goingAway)
			r.connected(t, 2)
			assert.Less(t, time.Since(lost), 1500*time.Millisecond, "reconnected within backoff.max")
			assert.Equal(t, int64(1), r.count("reconnects_total"))
			assert.Equal(t, int64(1), r.count("disconnects_total.closed_by_zoom"))
			assert.Greater(t, r.metric("gap_seconds_total"), 0.0)
			assert.Equal(t, false, r.metric("disconnected"))
			assert.Contains(t, strings.Join(r.states.All(), "\n"), "Degraded: reconnecting to Zoom after closed_by_zoom", "the state names the reason")
			r.publish(t, notification(2))
			assert.Equal(t, contract.DeliveryID([]byte(notification(2))), r.next(t).Meta["_id"])
		})
	}
}

// When Zoom tells an open connection that its token expired, by a close or
// by an error message, the input gets a new token and a new connection.
func TestTokenExpiryGetsANewTokenAndConnection(t *testing.T) {
	for _, asError := range []bool{false, true} {
		t.Run(fmt.Sprintf("as error message %v", asError), func(t *testing.T) {
			zoom := zoomsim.NewReportServer("acct", "cid", "secret")
			defer zoom.Close()
			r := start(t, zoom, 1000, nil, nil)
			r.connected(t, 1)
			tokens := zoom.TokenRequests()
			zoom.ExpireOpenConnections(asError)
			r.connected(t, 2)
			assert.Greater(t, zoom.TokenRequests(), tokens, "a new token")
			if asError {
				assert.Equal(t, int64(1), r.count("disconnects_total.token_expired"))
			}
			r.publish(t, notification(3))
			r.next(t)
		})
	}
}

// Before its token expires, the connection is replaced by one with a new
// token; Zoom closes the older, and no gap is counted.
func TestConnectionRenewedBeforeTheTokenExpires(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	zoom.TokenTTL = 3 * time.Second
	r := start(t, zoom, 1000, nil, func(in *input) { in.tokenMargin = 2 * time.Second })
	r.connected(t, 1)
	require.Eventually(t, func() bool { return r.count("renewals_total") >= 2 }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, 0.0, r.metric("gap_seconds_total"), "no span without a connection")
	assert.Equal(t, int64(0), r.count("reconnects_total"))
	r.publish(t, notification(4))
	r.next(t)
}

// Refused credentials make the unit FAILED with Zoom's words, and are
// retried at the backoff's cap, not in a loop.
func TestRefusedCredentialsFailAndRetryAtTheCap(t *testing.T) {
	t.Run("build_connection", func(t *testing.T) {
		zoom := zoomsim.NewReportServer("acct", "cid", "secret")
		defer zoom.Close()
		zoom.AddSubscription(sub)
		zoom.RefuseTokens(true)
		r := start(t, zoom, 1000, map[string]any{"backoff.max": "1s"}, nil)
		time.Sleep(3 * time.Second)
		assert.Contains(t, r.states.Last(), "Failed: Zoom refused the connection: build_connection failed: Invalid Token")
		// Each attempt tries its token and one fresh one; waits at the cap
		// are between 0.5 and 1 s.
		attempts := r.count("disconnects_total.refused") / 2
		assert.LessOrEqual(t, attempts, int64(7), "at most 3 s / 0.5 s attempts, and the first")
		assert.GreaterOrEqual(t, attempts, int64(3))
		zoom.RefuseTokens(false)
		r.connected(t, 1)
	})
	t.Run("oauth", func(t *testing.T) {
		zoom := zoomsim.NewReportServer("acct", "cid", "secret")
		defer zoom.Close()
		r := start(t, zoom, 1000, map[string]any{"client_secret": "wrong"}, nil)
		require.Eventually(t, func() bool { return strings.HasPrefix(r.states.Last(), "Failed") }, 5*time.Second, 10*time.Millisecond)
		assert.Contains(t, r.states.Last(), "Invalid client_id or client_secret")
		assert.NotContains(t, r.states.Last(), "wrong")
	})
}

// A connection that stops answering is given up after two heartbeat
// intervals, and another opened.
func TestStalledServerDetectedWithinTwoIntervals(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 1000, map[string]any{"heartbeat_interval": "200ms"}, nil)
	r.connected(t, 1)
	zoom.StallHeartbeats(sub, true)
	stalled := time.Now()
	require.Eventually(t, func() bool { return r.count("disconnects_total.silent") == 1 }, 2*time.Second, 5*time.Millisecond)
	// The last answer came up to one interval before the stall; the check
	// runs every quarter interval.
	assert.Less(t, time.Since(stalled), 700*time.Millisecond)
	zoom.StallHeartbeats(sub, false)
	r.connected(t, 2)
}

// A message cut midway breaks the connection; the next one comes on a new
// connection.
func TestBrokenMessageReconnects(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 1000, nil, nil)
	r.connected(t, 1)
	zoom.BreakNextMessage(sub)
	r.publish(t, notification(5))
	r.connected(t, 2)
	r.publish(t, notification(6))
	assert.Equal(t, contract.DeliveryID([]byte(notification(6))), r.next(t).Meta["_id"])
	assert.Equal(t, int64(0), r.count("events_published_total")-1, "the cut message is not published")
}

// While the output takes nothing, heartbeats still go out and the
// connection is not taken for dead; every event arrives, once, when it
// takes them again.
func TestSlowOutputKeepsHeartbeatsAndLosesNothing(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 0, map[string]any{"heartbeat_interval": "100ms"}, nil)
	r.connected(t, 1)
	const n = 50
	for i := range n {
		r.publish(t, notification(i))
	}
	beats := len(zoom.Heartbeats(sub))
	time.Sleep(time.Second) // ten intervals with the output stuck
	assert.GreaterOrEqual(t, len(zoom.Heartbeats(sub))-beats, 8, "heartbeats went on")
	assert.Equal(t, int64(0), r.count("disconnects_total.silent"))
	seen := map[any]int{}
	for range n {
		seen[r.next(t).Meta["_id"]]++
	}
	assert.Len(t, seen, n)
	for id, c := range seen {
		assert.Equal(t, 1, c, "event %v", id)
	}
	assert.Equal(t, 1, zoom.Connects(sub), "one connection throughout")
}

// Over wss: the ssl settings trust the stand-in's certificate (and without
// them the handshake fails verification, a degraded state, not a refusal).
func TestConnectsOverTLS(t *testing.T) {
	zoom := zoomsim.NewTLSReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 10, map[string]any{"ssl.certificate_authorities": []string{string(zoom.Certificate())}}, nil)
	r.connected(t, 1)
	r.publish(t, notification(7))
	r.next(t)

	untrusting := zoomsim.NewTLSReportServer("acct", "cid", "secret")
	defer untrusting.Close()
	u := start(t, untrusting, 10, nil, nil)
	require.Eventually(t, func() bool { return strings.HasPrefix(u.states.Last(), "Degraded") }, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, u.states.Last(), "certificate")
}

// A message over max_message_bytes ends the connection (it could not be
// read whole), counted by its reason; the next connection carries on.
func TestMessageOverTheLimitEndsTheConnection(t *testing.T) {
	zoom := zoomsim.NewReportServer("acct", "cid", "secret")
	defer zoom.Close()
	r := start(t, zoom, 10, map[string]any{"max_message_bytes": "1KiB"}, nil)
	r.connected(t, 1)
	big := fmt.Sprintf(`{"event":"meeting.started","event_ts":1,"payload":{"object":{"id":1,"topic":%q}}}`, strings.Repeat("x", 2048))
	zoom.Publish(sub, []byte(big))
	require.Eventually(t, func() bool { return r.count("disconnects_total.message_too_big") == 1 }, 5*time.Second, 10*time.Millisecond)
	r.connected(t, 2)
	r.publish(t, notification(8))
	assert.Equal(t, contract.DeliveryID([]byte(notification(8))), r.next(t).Meta["_id"])
	assert.Equal(t, int64(1), r.count("events_published_total"), "the message over the limit is not published")
}
