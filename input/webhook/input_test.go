// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	v2 "github.com/elastic/beats/v7/filebeat/input/v2"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp/logptest"
	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/zoombeat/zoombeat/testing/certs"
	"github.com/zoombeat/zoombeat/testing/statuslog"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

type running struct {
	status *statuslog.Log
	addr   string
	pipe   *fakePipeline
	reg    *monitoring.Registry
	cancel context.CancelFunc
	done   chan error
}

// runInput runs the real input (Plugin → configure → Run) on a free port.
func runInput(t *testing.T, settings map[string]any) *running {
	t.Helper()
	base := map[string]any{"listen_address": "127.0.0.1", "listen_port": 0, "secret_token": testSecret, "ack_timeout": "500ms"}
	for k, v := range settings {
		base[k] = v
	}
	log := logptest.NewTestingLogger(t, "")
	plugin := Plugin(log)
	inp, err := plugin.Manager.Create(conf.MustNewConfigFrom(base))
	require.NoError(t, err)
	addrCh := make(chan net.Addr, 1)
	inp.(*input).listening = func(a net.Addr) { addrCh <- a }

	ctx, cancel := context.WithCancel(context.Background())
	r := &running{pipe: &fakePipeline{}, reg: monitoring.NewRegistry(), cancel: cancel, done: make(chan error, 1), status: &statuslog.Log{}}
	go func() {
		r.done <- inp.Run(v2.Context{Logger: log, ID: "test", Name: Name, Cancelation: ctx, MetricsRegistry: r.reg, StatusReporter: r.status}, r.pipe)
	}()
	select {
	case a := <-addrCh:
		r.addr = a.String()
	case err := <-r.done:
		t.Fatalf("input stopped at start: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("input did not start listening")
	}
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("input did not stop")
	}
}

// fasthttpPoolCleaner is the goroutine of fasthttp's worker pool that retires
// idle workers: it sleeps between rounds (MaxIdleWorkerDuration, 10 s) and
// only sees the server stopped when it wakes, so it outlives the input by
// up to that long, holding nothing.
var fasthttpPoolCleaner = goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2")

func TestRunServesAndStopsCleanly(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), fasthttpPoolCleaner)

	r := runInput(t, nil)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	resp, err := sender.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	require.Len(t, r.pipe.Events(), 1)

	// The metrics are in the registry Filebeat shows at /inputs/.
	snap := monitoring.CollectFlatSnapshot(r.reg, monitoring.Full, false)
	assert.EqualValues(t, 1, snap.Ints["requests_total"])
	assert.EqualValues(t, 1, snap.Ints["requests_by_status.200"])
	assert.EqualValues(t, 1, snap.Ints["events_acked_total"])
	assert.EqualValues(t, 1, snap.Ints["ack_latency.histogram.count"])
	assert.EqualValues(t, len(sampleBody), snap.Ints["body_bytes.histogram.max"])

	// A request in flight when the input stops finishes (here: its ACK never
	// comes, so it gets 503 at ack_timeout); requests after that find the
	// listener closed.
	r.pipe.noACK.Store(true)
	inflight := make(chan *zoomsim.Response, 1)
	go func() {
		resp, err := sender.Send(context.Background(), sampleBody)
		assert.NoError(t, err)
		inflight <- resp
	}()
	require.Eventually(t, func() bool { return len(r.pipe.Events()) == 2 }, 5*time.Second, 5*time.Millisecond)
	r.stop(t)
	select {
	case resp := <-inflight:
		assert.Equal(t, 503, resp.Status)
	case <-time.After(5 * time.Second):
		t.Fatal("the in-flight request got no answer")
	}
	assert.Zero(t, r.pipe.openClients(), "pipeline clients closed")
	_, err = net.DialTimeout("tcp", r.addr, time.Second)
	assert.Error(t, err, "listener closed")
	http.DefaultClient.CloseIdleConnections()
}

func TestRunStopUnblocksFullQueue(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), fasthttpPoolCleaner)
	r := runInput(t, nil)
	r.pipe.block.Store(true)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := sender.Send(context.Background(), sampleBody)
			if assert.NoError(t, err) {
				assert.Equal(t, 503, resp.Status)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	r.stop(t) // must not hang on the workers blocked in Publish
	wg.Wait()
	http.DefaultClient.CloseIdleConnections()
}

func TestRunTLS(t *testing.T) {
	certFile, keyFile, pool, err := certs.SelfSigned(t.TempDir())
	require.NoError(t, err)
	r := runInput(t, map[string]any{"ssl.enabled": true, "ssl.certificate": certFile, "ssl.key": keyFile})
	defer r.stop(t)

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	sender := &zoomsim.Sender{URL: "https://" + r.addr + "/zoom", Secret: testSecret, Client: client}
	resp, err := sender.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)

	plain := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	resp, err = plain.Send(context.Background(), sampleBody)
	if err == nil {
		assert.Equal(t, http.StatusBadRequest, resp.Status, "plain HTTP to the TLS port is refused")
	}
	assert.Len(t, r.pipe.Events(), 1)

	// A body over max_body_bytes, still being sent: the answer comes with
	// TLS's close_notify, and the rest of the body is read on.
	tc, err := tls.Dial("tcp", r.addr, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	require.NoError(t, err)
	defer tc.Close()
	_, err = fmt.Fprintf(tc, "POST /zoom HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", 64<<20, bytes.Repeat([]byte("x"), 32<<10))
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, readAnswer(t, tc, 3*time.Second).StatusCode)
	assertClosedGracefully(t, tc)
}

func TestRunFailsOnBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	log := logptest.NewTestingLogger(t, "")
	inp, err := configure(conf.MustNewConfigFrom(map[string]any{"listen_address": "127.0.0.1", "listen_port": port, "secret_token": "x"}), log)
	require.NoError(t, err)
	err = inp.Test(v2.TestContext{Logger: log, Cancelation: context.Background()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot listen on 127.0.0.1:")

	err = inp.Run(v2.Context{Logger: log, Cancelation: context.Background()}, &fakePipeline{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot listen on 127.0.0.1:")
}

func TestRunFailsOnMissingCertificate(t *testing.T) {
	log := logptest.NewTestingLogger(t, "")
	inp, err := configure(conf.MustNewConfigFrom(map[string]any{
		"secret_token": "x", "ssl.enabled": true, "ssl.certificate": "/nonexistent.crt", "ssl.key": "/nonexistent.key",
	}), log)
	require.NoError(t, err)
	err = inp.Run(v2.Context{Logger: log, Cancelation: context.Background()}, &fakePipeline{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ssl")
}

// ACK timeouts make the input Degraded (the Agent's unit shows it) until an
// event is acknowledged again.
func TestACKTimeoutsDegradeTheInput(t *testing.T) {
	r := runInput(t, map[string]any{"ack_timeout": "200ms"})
	defer r.stop(t)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	// Running is reported right after the listener is bound.
	require.Eventually(t, func() bool { return strings.HasPrefix(r.status.Last(), "Running: listening on ") }, 5*time.Second, 10*time.Millisecond)

	r.pipe.noACK.Store(true)
	resp, err := sender.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.Status)
	assert.Contains(t, r.status.Last(), "Degraded: listening on ")
	assert.Contains(t, r.status.Last(), "not acknowledged within ack_timeout 200ms")

	r.pipe.noACK.Store(false)
	resp, err = sender.Send(context.Background(), []byte(`{"event":"meeting.ended","event_ts":1,"payload":{}}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.Status)
	assert.True(t, strings.HasPrefix(r.status.Last(), "Running: listening on "), r.status.Last())
}

// ACKs that come after ack_timeout (a queue that waits for a batch, as the
// Elasticsearch output's presets make it) are said loudly: the unit turns
// Degraded with the latency and what to change, and the log warns.
func TestLateACKsSayWhy(t *testing.T) {
	r := runInput(t, map[string]any{"ack_timeout": "200ms", "write_timeout": "5s"})
	defer r.stop(t)
	r.pipe.ackDelay.Store(int64(500 * time.Millisecond))
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	resp, err := sender.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.Status)
	require.Eventually(t, func() bool { return strings.Contains(r.status.Last(), "acknowledged 5") }, 5*time.Second, 10*time.Millisecond, r.status.Last())
	assert.Contains(t, r.status.Last(), "Degraded: listening on ")
	assert.Contains(t, r.status.Last(), "beyond ack_timeout 200ms")
	assert.Contains(t, r.status.Last(), "queue.mem.flush.timeout: 0s")
	assert.EqualValues(t, 1, r.reg.Get("late_acks_total").(interface{ Get() uint64 }).Get())
}
