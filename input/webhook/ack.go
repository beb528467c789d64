// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/acker"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/processors/zoom"
)

// delivery is one accepted Zoom request whose event is on its way through the
// pipeline. It travels as the event's Private value, so that the pipeline's
// ACK for the event finds its way back to the waiting HTTP handler.
type delivery struct {
	event     beat.Event
	id        string        // the event's id, kept here: processors may change the event
	published time.Time     // when the event was handed to the pipeline
	acked     chan struct{} // closed once the pipeline has acknowledged the event
	// acknowledged, when set, learns how long the ACK took (the handler
	// may have answered 503 already).
	acknowledged func(latency time.Duration)
}

func newDelivery(event beat.Event, id string) *delivery {
	d := &delivery{event: event, id: id, acked: make(chan struct{})}
	d.event.Private = d
	return d
}

// newACKListener returns the pipeline client's event listener. libbeat calls
// it, in publish order, for every event of the client once the queue has
// acknowledged it: the output has it (memory queue) or it is fsynced to the
// segment file (disk queue). An event dropped by a processor is reported too,
// which is right: the user's configuration chose to drop it.
func newACKListener(m *inputMetrics) beat.EventListener {
	return acker.EventPrivateReporter(func(_ int, privates []any) {
		for _, p := range privates {
			if d, ok := p.(*delivery); ok {
				m.acked(d.published)
				if d.acknowledged != nil {
					d.acknowledged(time.Since(d.published))
				}
				close(d.acked)
			}
		}
	})
}

// publisher hands deliveries to the pipeline. Filebeat's client.Publish blocks
// while the queue is full (an output outage); publishing from these workers
// rather than from the handlers lets a handler give up after ack_timeout and
// answer 503 instead of hanging until Zoom's own 3 s timeout.
type publisher struct {
	in     chan *delivery
	mapper beat.Processor // the input's mapping (the mapping option), or nil
	log    *logp.Logger
}

func newPublisher(mapper beat.Processor, log *logp.Logger) *publisher {
	// Unbuffered: a delivery is either taken by a worker (and so reaches the
	// queue) or the handler gives up on it; none waits unseen in a buffer.
	return &publisher{in: make(chan *delivery), mapper: mapper, log: log}
}

// run maps (when the input maps) and publishes on client until done is
// closed. Several workers, each with its own client, map and run the
// pipeline's processors in parallel.
func (p *publisher) run(client beat.Client, m *inputMetrics, done <-chan struct{}) {
	for {
		select {
		case d := <-p.in:
			d.published = time.Now()
			zoom.MapInPlace(p.mapper, &d.event, d.id, p.log)
			client.Publish(d.event)
			m.eventsPublished.Inc()
		case <-done:
			return
		}
	}
}
