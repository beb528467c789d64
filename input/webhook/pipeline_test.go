// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
)

// fakePipeline stands in for libbeat's pipeline in unit tests. Its clients
// record every event and report it to the client's EventListener as libbeat
// does: AddEvent on publish, then ACKEvents(1) when acking is on. With block
// set, Publish blocks as on a full queue until the client is closed.
type fakePipeline struct {
	noACK atomic.Bool // events are queued but never acknowledged (output down)
	// ackDelay holds each ACK back this long (nanoseconds), as a queue that
	// waits for a full batch does.
	ackDelay atomic.Int64
	// process, when set, changes each event as the pipeline's processors
	// would, before it is recorded and acknowledged.
	process func(*beat.Event)
	block   atomic.Bool // Publish blocks (queue full)

	mu      sync.Mutex
	events  []beat.Event
	clients []*fakeClient
	configs []beat.ClientConfig
}

func (p *fakePipeline) ConnectWith(cfg beat.ClientConfig) (beat.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &fakeClient{p: p, listener: cfg.EventListener, closed: make(chan struct{})}
	p.clients = append(p.clients, c)
	p.configs = append(p.configs, cfg)
	return c, nil
}

func (p *fakePipeline) Connect() (beat.Client, error) { return p.ConnectWith(beat.ClientConfig{}) }

func (p *fakePipeline) Events() []beat.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]beat.Event(nil), p.events...)
}

func (p *fakePipeline) openClients() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.clients {
		select {
		case <-c.closed:
		default:
			n++
		}
	}
	return n
}

type fakeClient struct {
	p         *fakePipeline
	listener  beat.EventListener
	closeOnce sync.Once
	closed    chan struct{}
	// unacked counts the events published while noACK was set. ACKs are in
	// order per client, as libbeat's are: once acking resumes, they are
	// acknowledged before the next event, as a recovered output does.
	unacked int
}

func (c *fakeClient) Publish(e beat.Event) {
	if c.p.block.Load() {
		<-c.closed
		return
	}
	if c.p.process != nil {
		c.p.process(&e)
	}
	c.p.mu.Lock()
	c.p.events = append(c.p.events, e)
	c.p.mu.Unlock()
	if c.listener != nil {
		c.listener.AddEvent(e, true)
		if d := time.Duration(c.p.ackDelay.Load()); d > 0 {
			go func() {
				time.Sleep(d)
				c.listener.ACKEvents(1)
			}()
		} else if c.p.noACK.Load() {
			c.unacked++
		} else {
			c.listener.ACKEvents(c.unacked + 1)
			c.unacked = 0
		}
	}
}

func (c *fakeClient) PublishAll(es []beat.Event) {
	for _, e := range es {
		c.Publish(e)
	}
}

func (c *fakeClient) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

// take returns the recorded events and forgets them.
func (p *fakePipeline) take() []beat.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	events := p.events
	p.events = nil
	return events
}
