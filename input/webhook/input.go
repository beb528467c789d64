// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package webhook is the zoom_webhook input: an HTTP(S) listener for Zoom's
// event notifications that checks every request's signature, answers Zoom's
// URL validation, and answers 200 only once the pipeline has acknowledged the
// event, so that Zoom's retries cover everything Filebeat does not hold yet.
package webhook

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"sync"

	v2 "github.com/elastic/beats/v7/filebeat/input/v2"
	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/feature"
	"github.com/elastic/beats/v7/libbeat/management/status"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"

	"github.com/zoombeat/zoombeat/internal/configkeys"
	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/processors/zoom"
)

// Name is the input type users put in `type:`.
const Name = contract.WebhookInput

// Plugin registers the zoom_webhook input with Filebeat.
func Plugin(log *logp.Logger) v2.Plugin {
	return v2.Plugin{
		Name:       Name,
		Stability:  feature.Beta,
		Deprecated: false,
		Info:       "Zoom webhook receiver with signature checks and end-to-end ACK",
		Manager:    v2.ConfigureWith(configure, log),
	}
}

// checkSecurityKeys fails on a misspelt key in the blocks that protect the
// listener: a typo there would silently weaken it.
var checkSecurityKeys = configkeys.KnownIn(&config{}, "signature", "secret", "ssl")

func configure(cfg *conf.C, log *logp.Logger) (v2.Input, error) {
	if err := checkSecurityKeys(cfg); err != nil {
		return nil, fmt.Errorf("%s input: %w", Name, err)
	}
	c := defaultConfig()
	if err := cfg.Unpack(&c); err != nil {
		return nil, fmt.Errorf("%s input: %w", Name, err)
	}
	if log == nil {
		log = logp.NewLogger(Name)
	}
	mapper, err := zoom.ForInput(c.Mapping, log)
	if err != nil {
		return nil, fmt.Errorf("%s input: %w", Name, err)
	}
	return &input{cfg: c, mapper: mapper}, nil
}

type input struct {
	cfg    config
	mapper beat.Processor // the mapping the input runs itself, or nil

	listening func(net.Addr) // tests: learns the address bound for listen_port 0
}

func (*input) Name() string { return Name }

func (in *input) addr() string {
	return net.JoinHostPort(in.cfg.ListenAddress, strconv.Itoa(in.cfg.ListenPort))
}

// Test checks that the TLS files load and that the port can be bound.
func (in *input) Test(ctx v2.TestContext) error {
	if _, err := in.tlsConfig(ctx.Logger); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", in.addr())
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", in.addr(), err)
	}
	return ln.Close()
}

func (in *input) tlsConfig(log *logp.Logger) (*tls.Config, error) {
	if in.cfg.TLS == nil || !in.cfg.TLS.IsEnabled() {
		return nil, nil
	}
	tc, err := tlscommon.LoadTLSServerConfig(in.cfg.TLS, log)
	if err != nil {
		return nil, fmt.Errorf("ssl: %w", err)
	}
	return tc.BuildServerConfig(in.cfg.ListenAddress), nil
}

// Run serves until Filebeat stops the input.
func (in *input) Run(ctx v2.Context, pipeline beat.PipelineConnector) error {
	log := ctx.Logger.With("listen_address", in.addr(), "url", in.cfg.URL)
	if in.cfg.SecretToken == "" {
		log.Warn("secret_token is empty and allow_unsigned is true: requests are accepted WITHOUT checking Zoom's signature. Use this only for testing.")
	}
	err := in.serve(ctx, pipeline, log)
	if err != nil {
		ctx.UpdateStatus(status.Failed, err.Error())
		return err
	}
	ctx.UpdateStatus(status.Stopped, "")
	return nil
}

func (in *input) serve(ctx v2.Context, pipeline beat.PipelineConnector, log *logp.Logger) error {
	tlsCfg, err := in.tlsConfig(log)
	if err != nil {
		return err
	}
	metrics := newInputMetrics(ctx.MetricsRegistry, log)

	pub, closeWorkers, err := startWorkers(pipeline, runtime.GOMAXPROCS(0), in.mapper, metrics, log)
	if err != nil {
		return err
	}
	// Deferred, so it runs after the server is shut down: no handler waits on
	// the workers any more by then.
	defer closeWorkers()

	ln, err := net.Listen("tcp", in.addr())
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", in.addr(), err)
	}
	if in.listening != nil {
		in.listening(ln.Addr())
	}
	ln, limiter := wrapListener(ln, in.cfg, tlsCfg, metrics.evicted.Inc, metrics.refused.Inc)
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
	}

	stopping := make(chan struct{})
	h := newHandler(in.cfg, pub, metrics, log, stopping)
	h.health = newHealth(ctx.UpdateStatus, "listening on "+ln.Addr().String(), func(msg string) { log.Warn(msg) })
	srv := newServer(in.cfg, h, limiter, log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Infof("Listening for Zoom webhooks at %s://%s%s", scheme, ln.Addr(), in.cfg.URL)
	ctx.UpdateStatus(status.Running, "listening on "+ln.Addr().String())

	select {
	case <-ctx.Cancelation.Done():
	case err := <-served: // the listener failed
		close(stopping)
		return fmt.Errorf("serving %s: %w", in.addr(), err)
	}

	// Stop: new requests get 503, requests waiting for an ACK keep waiting
	// until it comes or ack_timeout passes, then the listener is gone.
	log.Info("Stopping the Zoom webhook listener")
	close(stopping)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), in.cfg.WriteTimeout)
	defer cancel()
	if err := srv.ShutdownWithContext(shutdownCtx); err != nil {
		// The listener is closed; a request still waiting for its ACK ends
		// at ack_timeout, which is shorter than write_timeout.
		log.Warnf("Connections did not finish in time: %v", err)
	}
	if err := <-served; err != nil {
		return err
	}
	return nil
}

var noNormalization = false

// startWorkers connects n pipeline clients, each with the ACK listener, and
// starts a publishing worker on each. The returned function stops the
// workers, closes the clients (which unblocks a worker stuck in Publish on a
// full queue) and waits for the workers to return.
func startWorkers(pipeline beat.PipelineConnector, n int, mapper beat.Processor, m *inputMetrics, log *logp.Logger) (*publisher, func(), error) {
	pub := newPublisher(mapper, log)
	done := make(chan struct{})
	var workers sync.WaitGroup
	var clients []beat.Client
	closeAll := func() {
		close(done)
		for _, c := range clients {
			c.Close()
		}
		workers.Wait()
	}
	for range n {
		client, err := pipeline.ConnectWith(beat.ClientConfig{
			PublishMode:   beat.DefaultGuarantees,
			EventListener: newACKListener(m),
			// The handler builds events in the form that libbeat's event
			// normalization would give them (makeEvent), so normalizing
			// them again, a copy of every event, is skipped.
			Processing: beat.ProcessingConfig{EventNormalization: &noNormalization},
		})
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("connecting to the pipeline: %w", err)
		}
		clients = append(clients, client)
		workers.Add(1)
		go func() {
			defer workers.Done()
			pub.run(client, m, done)
		}()
	}
	return pub, closeAll, nil
}

// CheckConfig validates a zoom_webhook configuration as the input would at
// start, without binding the port.
func CheckConfig(c *conf.C) error {
	_, err := configure(c, nil)
	return err
}
