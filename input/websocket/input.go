// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package websocket is the zoom_websocket input: it connects out to Zoom's
// WebSocket event subscription, so that Zoom's events reach Filebeat with no
// inbound port, and publishes each as zoom_webhook publishes the same
// notification.
//
// github.com/coder/websocket speaks the protocol (rather than
// gorilla/websocket): it is maintained, its reads and writes take a context
// (a heartbeat write cannot hang past its interval), and one goroutine may
// write while another reads, which the heartbeats need.
package websocket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/elastic/go-concert/ctxtool"

	v2 "github.com/elastic/beats/v7/filebeat/input/v2"
	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/acker"
	"github.com/elastic/beats/v7/libbeat/feature"
	"github.com/elastic/beats/v7/libbeat/management/status"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/input/zoomoauth"
	"github.com/zoombeat/zoombeat/internal/configkeys"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/processors/zoom"
)

// Name is the input type.
const Name = contract.WebSocketInput

// Plugin registers the zoom_websocket input.
func Plugin(log *logp.Logger) v2.Plugin {
	return v2.Plugin{
		Name:      Name,
		Stability: feature.Beta,
		Info:      "Zoom WebSocket event subscription client: Zoom's events with no inbound port",
		Manager:   v2.ConfigureWith(configure, log),
	}
}

// checkBlockKeys fails on a misspelt key in the blocks where a typo would
// silently change how the input trusts Zoom or retries.
var checkBlockKeys = configkeys.KnownIn(&config{}, "ssl", "backoff")

func configure(c *conf.C, log *logp.Logger) (v2.Input, error) {
	if err := checkBlockKeys(c); err != nil {
		return nil, fmt.Errorf("%s input: %w", Name, err)
	}
	cfg := defaultConfig()
	if err := c.Unpack(&cfg); err != nil {
		return nil, fmt.Errorf("%s input: %w", Name, err)
	}
	if log == nil {
		log = logp.NewLogger(Name)
	}
	mapper, err := zoom.ForInput(cfg.Mapping, log)
	if err != nil {
		return nil, fmt.Errorf("%s input: %w", Name, err)
	}
	endpoint, _ := cfg.endpoint() // Validate checked it
	return &input{cfg: cfg, endpoint: endpoint.String(), mapper: mapper, tokenMargin: zoomoauth.Margin}, nil
}

// CheckConfig validates a zoom_websocket configuration as the input would
// at start, without connecting.
func CheckConfig(c *conf.C) error {
	_, err := configure(c, nil)
	return err
}

type input struct {
	cfg      config
	endpoint string         // the subscription's URL, without a token
	mapper   beat.Processor // the input's own mapping, or nil
	// tokenMargin is how long before its token expires a connection is
	// replaced (zoomoauth.Margin; tests shorten it).
	tokenMargin time.Duration
}

func (*input) Name() string { return Name }

func (in *input) httpClient(log *logp.Logger) (*http.Client, error) {
	return zoomoauth.HTTPClient(zoomoauth.Transport{
		TLS: in.cfg.TLS, ProxyURL: in.cfg.ProxyURL, Timeout: in.cfg.Timeout,
	}, log)
}

// Test gets a token: it proves the OAuth URL, the TLS settings and the
// credentials.
func (in *input) Test(ctx v2.TestContext) error {
	hc, err := in.httpClient(ctx.Logger)
	if err != nil {
		return err
	}
	_, err = zoomoauth.NewTokenSource(hc, in.cfg.OAuthURL, in.cfg.app(), nil).Token(ctxtool.FromCanceller(ctx.Cancelation))
	return err
}

// Run connects and reconnects until Filebeat stops the input.
func (in *input) Run(ctx v2.Context, pipeline beat.PipelineConnector) error {
	log := ctx.Logger.With("url", in.endpoint)
	metrics := newInputMetrics(ctx.MetricsRegistry)
	hc, err := in.httpClient(log)
	if err != nil {
		ctx.UpdateStatus(status.Failed, err.Error())
		return err
	}
	client, err := pipeline.ConnectWith(beat.ClientConfig{
		PublishMode:   beat.DefaultGuarantees,
		EventListener: acker.Counting(func(n int) { metrics.acked.Add(uint64(n)) }),
		// The events are built as libbeat's normalization would leave them
		// (contract.NotificationEvent), as zoom_webhook's are.
		Processing: beat.ProcessingConfig{EventNormalization: &noNormalization},
	})
	if err != nil {
		ctx.UpdateStatus(status.Failed, err.Error())
		return fmt.Errorf("connecting to the pipeline: %w", err)
	}
	r := &runner{
		in: in, log: log, metrics: metrics, client: client, http: hc, update: ctx.UpdateStatus,
		tokens: zoomoauth.NewTokenSource(hc, in.cfg.OAuthURL, in.cfg.app(), metrics.tokenRefreshes.Inc),
	}
	r.run(ctxtool.FromCanceller(ctx.Cancelation))
	// Closing the client unblocks a Publish waiting on a full queue, so
	// that the sessions can end.
	client.Close()
	r.sessions.Wait()
	ctx.UpdateStatus(status.Stopped, "")
	return nil
}

var noNormalization = false

// runner is one run of the input: the current session and the ones it
// replaced, still finishing.
type runner struct {
	in       *input
	log      *logp.Logger
	metrics  *inputMetrics
	client   beat.Client
	http     *http.Client
	tokens   *zoomoauth.TokenSource
	update   func(status.Status, string)
	sessions sync.WaitGroup
}

// refusal is Zoom refusing the app: its token request, its token at
// build_connection, or the subscription at the handshake. It is retried at
// the backoff's cap and makes the input FAILED until a connection opens.
type refusal struct{ msg string }

func (e *refusal) Error() string { return e.msg }

// run is the connection's life: connect, replace the connection before its
// token expires (Zoom closes the older one when the newer opens, so no event
// falls between), and reconnect after a loss, with backoff. Every span with
// no open connection is a gap: logged, counted, and on the unit.
func (r *runner) run(ctx context.Context) {
	bo := zoomoauth.NewBackoff(r.in.cfg.Backoff.Init, r.in.cfg.Backoff.Max)
	var cur *session
	var gapStart time.Time // zero while connected (or before the first try)
	started := time.Now()
	renew := time.NewTimer(time.Hour)
	renew.Stop()
	defer renew.Stop()
	first := true
	for ctx.Err() == nil {
		if cur == nil {
			s, err := r.connect(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				if gapStart.IsZero() {
					gapStart = started
				}
				r.metrics.inGap.Set(true)
				wait := bo.Next()
				var ref *refusal
				if errors.As(err, &ref) {
					wait = bo.AtMax()
					r.update(status.Failed, fmt.Sprintf("Zoom refused the connection: %s; retrying in %v", ref.msg, wait.Round(time.Second)))
					r.log.Errorw("Zoom refused the WebSocket connection; retrying at the backoff cap", "error", ref.msg, "retry_in", wait.String())
				} else {
					r.update(status.Degraded, fmt.Sprintf("reconnecting to Zoom: %v; next try in %v", err, wait.Round(time.Millisecond)))
					r.log.Warnw("Connecting to Zoom's WebSocket failed", "error", err.Error(), "retry_in", wait.String())
				}
				if !sleep(ctx, wait) {
					return
				}
				continue
			}
			if !gapStart.IsZero() {
				r.gap(gapStart, s.opened)
				gapStart = time.Time{}
			}
			if !first {
				r.metrics.reconnects.Inc()
			}
			first = false
			cur = s
			r.accepted(s, renew)
		}
		select {
		case <-ctx.Done():
			cur.close("stopped")
			return
		case <-cur.done:
			r.metrics.disconnected(cur.reason)
			r.log.Warnw("The WebSocket connection to Zoom ended", "reason", cur.reason, "cause", cur.cause,
				"connected_for", cur.ended.Sub(cur.opened).Round(time.Millisecond).String())
			if cur.reason == reasonTokenExpiry {
				r.tokens.Invalidate(cur.token)
			}
			renew.Stop()
			gapStart = cur.ended
			r.metrics.inGap.Set(true)
			lived, reason, cause := cur.ended.Sub(cur.opened), cur.reason, cur.cause
			cur = nil
			// A connection that lived long is reconnected at once; one that
			// ends soon after opening (a server that accepts and drops) is
			// reconnected with backoff, lest it loop.
			wait := time.Duration(0)
			if lived < r.in.cfg.Backoff.Max {
				wait = bo.Next()
			} else {
				bo.Reset()
			}
			r.update(status.Degraded, fmt.Sprintf("reconnecting to Zoom after %s (%s), disconnected since %s; Zoom does not keep the events of the gap",
				reason, cause, gapStart.UTC().Format(time.RFC3339)))
			if !sleep(ctx, wait) {
				return
			}
		case <-renew.C:
			next, err := r.connect(ctx)
			if err != nil {
				wait := bo.Next()
				r.log.Warnw("Replacing the WebSocket connection before its token expires failed; the current one stays", "error", err.Error(), "retry_in", wait.String())
				renew.Reset(wait)
				continue
			}
			go r.retire(ctx, cur)
			r.metrics.renewals.Inc()
			cur = next
			r.accepted(next, renew)
		}
	}
	if cur != nil {
		cur.close("stopped")
	}
}

// reasonReplaced ends a connection that a newer one took over from.
const reasonReplaced = "replaced"

// retireGrace is how long a replaced connection is still read: Zoom closes
// it when the newer one opens, and an event it wrote before that is read
// and published rather than cut off by a close from here.
const retireGrace = 5 * time.Second

// retire closes old, replaced by a newer connection, once Zoom has closed it
// or after retireGrace, or at once when the input stops.
func (r *runner) retire(ctx context.Context, old *session) {
	t := time.NewTimer(retireGrace)
	defer t.Stop()
	select {
	case <-old.done:
		return
	case <-t.C:
	case <-ctx.Done():
	}
	old.close(reasonReplaced)
}

// accepted makes s the current connection: status, backoff and renewal.
func (r *runner) accepted(s *session, renew *time.Timer) {
	r.metrics.connects.Inc()
	r.metrics.inGap.Set(false)
	r.update(status.Running, "connected to Zoom's WebSocket event subscription")
	r.log.Infow("Connected to Zoom's WebSocket event subscription", "token_expires", s.expiry.Format(time.RFC3339))
	if !s.expiry.IsZero() {
		renew.Reset(max(time.Until(s.expiry)-r.in.tokenMargin, time.Second))
	}
}

// gap logs and counts a span with no open connection.
func (r *runner) gap(from, to time.Time) {
	secs := to.Sub(from).Seconds()
	r.metrics.gapSeconds.Add(secs)
	start, end := from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano)
	r.log.Warnw(fmt.Sprintf("No WebSocket connection to Zoom from %s to %s (%.3f s): Zoom does not keep the events of that span; zoom_reports covers the audit trail across it", start, end, secs),
		"zoom.websocket.gap.start", start, "zoom.websocket.gap.end", end, "zoom.websocket.gap.seconds", secs)
}

// connect opens a connection and waits for Zoom's build_connection. A
// refused token is dropped and a new one tried once at once: a token that
// Zoom revoked early must not cost a backoff.
func (r *runner) connect(ctx context.Context) (*session, error) {
	s, err := r.open(ctx)
	var ref *refusal
	if errors.As(err, &ref) && s != nil {
		r.tokens.Invalidate(s.token)
		s, err = r.open(ctx)
		if errors.As(err, &ref) && s != nil {
			r.tokens.Invalidate(s.token) // the next attempt asks for another
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// open dials with a token and waits for build_connection. On a refused
// token it returns the ended session with the error.
func (r *runner) open(ctx context.Context) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, r.in.cfg.Timeout)
	defer cancel()
	tok, exp, err := r.tokens.TokenExpiry(ctx)
	if err != nil {
		var oe *zoomoauth.OAuthError
		if errors.As(err, &oe) && oe.Status < 500 && oe.Status != http.StatusTooManyRequests {
			return nil, &refusal{msg: oe.Error()}
		}
		return nil, err
	}
	u := r.in.endpoint + "&access_token=" + tok
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: r.http})
	if err != nil {
		r.metrics.disconnected(reasonHandshake)
		// The error may quote the URL, and so the token.
		msg := strings.ReplaceAll(err.Error(), tok, "REDACTED")
		if resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			body := make([]byte, 512)
			n, _ := io.ReadFull(resp.Body, body)
			return nil, &refusal{msg: fmt.Sprintf("WebSocket handshake answered HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body[:n])))}
		}
		return nil, errors.New(msg)
	}
	conn.SetReadLimit(int64(r.in.cfg.MaxMessageBytes))
	s := newSession(conn, tok, exp, r.in.cfg.HeartbeatInterval, r.metrics, r.publish)
	r.sessions.Add(1)
	go func() {
		defer r.sessions.Done()
		s.run()
	}()
	select {
	case <-s.accepted:
		return s, nil
	case <-s.done:
		if s.reason == reasonRefused {
			r.metrics.disconnected(reasonRefused)
			return s, &refusal{msg: fmt.Sprintf("build_connection failed: %s", s.cause)}
		}
		return nil, fmt.Errorf("the connection ended before Zoom's build_connection (%s: %s)", s.reason, s.cause)
	case <-ctx.Done():
		s.end(reasonError, "no build_connection within timeout")
		return nil, fmt.Errorf("no build_connection from Zoom within timeout %v", r.in.cfg.Timeout)
	}
}

// publish publishes a message's event. Publish blocks while the queue is
// full: the reader then reads nothing more from Zoom, which TCP holds back,
// so memory stays at the queue plus one message (max_message_bytes).
func (r *runner) publish(env envelope, raw []byte) {
	ev, ok := r.eventOf(env, raw, time.Now())
	if ok {
		zoom.MapInPlace(r.in.mapper, &ev, ev.Meta["_id"].(string), r.log)
	} else {
		r.metrics.decodeErrors.Inc()
		r.log.Warnw("Published a WebSocket message that is not a Zoom event with error.message", "error", ev.Fields["error"], "event.id", ev.Meta["_id"])
	}
	r.client.Publish(ev)
	r.metrics.published.Inc()
}

// eventOf is the event of a message received at now: its content's
// notification (ok), or what came with the reason it is none.
func (r *runner) eventOf(env envelope, raw []byte, now time.Time) (ev beat.Event, ok bool) {
	if env.Module == "" {
		return undecoded(raw, now, "the WebSocket message is not Zoom's JSON envelope"), false
	}
	content := []byte(env.Content)
	body, _, err := contract.DecodeNotification(content, r.in.cfg.KeepNull)
	if err != nil {
		return undecoded(content, now, "the message's content is not a Zoom event: "+err.Error()), false
	}
	return contract.NotificationEvent(content, body, now, r.in.cfg.PreserveOriginalEvent), true
}

// undecoded is the event of a message that holds no notification: what came,
// in event.original, and why, so that nothing received is dropped unseen.
func undecoded(raw []byte, at time.Time, why string) beat.Event {
	ev := contract.NotificationEvent(raw, nil, at, true)
	delete(ev.Fields, contract.Field)
	ev.Fields["error"] = map[string]any{"message": why}
	return ev
}

// sleep waits d, false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
