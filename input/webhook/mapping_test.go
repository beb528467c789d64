// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp/logptest"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/internal/contract"
	_ "github.com/zoombeat/zoombeat/processors/zoom" // registers the zoom processor that the test builds by name
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// With a mapping block the input publishes the mapped document, the very one
// a zoom processor with the same options makes of the decoded notification.
func TestMappingInTheInputMapsAsTheProcessorDoes(t *testing.T) {
	r := runInput(t, map[string]any{"mapping": map[string]any{"redact_secrets": true}})
	defer r.stop(t)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	resp, err := sender.Send(context.Background(), sampleBody)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	events := r.pipe.Events()
	require.Len(t, events, 1)
	mapped := events[0]

	// The same notification, decoded alone and mapped by the processor.
	decoded, _, err := contract.DecodeNotification(sampleBody, false)
	require.NoError(t, err)
	created, err := mapped.Fields.GetValue("event.created")
	require.NoError(t, err)
	want := beat.Event{Fields: mapstr.M{"zoom": decoded, "event": mapstr.M{"id": contract.DeliveryID(sampleBody), "created": created}}}
	procs, err := processors.New(processors.PluginConfig{conf.MustNewConfigFrom(map[string]any{"zoom": map[string]any{"redact_secrets": true}})}, nil)
	require.NoError(t, err)
	out, err := procs.Run(&want)
	require.NoError(t, err)

	assert.Equal(t, out.Fields.StringToPrint(), mapped.Fields.StringToPrint())
	assert.Equal(t, out.Timestamp, mapped.Timestamp, "@timestamp from event_ts")
	category, _ := mapped.Fields.GetValue("event.category")
	assert.Equal(t, []string{"session"}, category, "mapped to ECS")
	_, err = mapped.Fields.GetValue("zoom.payload")
	assert.Error(t, err, "the notification's payload is consumed by the mapping")
	assert.Equal(t, contract.DeliveryID(sampleBody), mapped.Meta["_id"], "the id survives the mapping")
	_, isDelivery := mapped.Private.(*delivery)
	assert.True(t, isDelivery, "the ACK still finds the waiting request")
}

// The publishing workers share one mapping: many requests at once are all
// mapped (the suite runs this under the race detector).
func TestMappingIsSharedByTheWorkers(t *testing.T) {
	r := runInput(t, map[string]any{"mapping": map[string]any{
		"pseudonymize": map[string]any{"enabled": true, "key": "0123456789abcdef0123456789abcdef"},
	}})
	defer r.stop(t)
	sender := &zoomsim.Sender{URL: "http://" + r.addr + "/zoom", Secret: testSecret}
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := bytes.Replace(sampleBody, []byte("1732435200123"), []byte(strconv.Itoa(1732435200123+i)), 1)
			resp, err := sender.Send(context.Background(), body)
			if assert.NoError(t, err) {
				assert.Equal(t, 200, resp.Status, "%s", resp.Body)
			}
		}()
	}
	wg.Wait()
	events := r.pipe.Events()
	require.Len(t, events, n)
	ids := map[any]bool{}
	for _, ev := range events {
		ids[ev.Meta["_id"]] = true
		host, err := ev.Fields.GetValue("zoom.meeting.host_id")
		require.NoError(t, err, "mapped")
		assert.True(t, strings.HasPrefix(host.(string), "pz-"), "pseudonymized: %v", host)
	}
	assert.Len(t, ids, n, "every request its own event")
}

func TestMappingOptions(t *testing.T) {
	log := logptest.NewTestingLogger(t, "")
	base := map[string]any{"secret_token": testSecret}
	with := func(mapping any) *conf.C {
		c := map[string]any{}
		for k, v := range base {
			c[k] = v
		}
		if mapping != nil {
			c["mapping"] = mapping
		}
		return conf.MustNewConfigFrom(c)
	}

	for name, tc := range map[string]struct {
		mapping any
		maps    bool
	}{
		"absent":           {nil, false},
		"enabled: false":   {map[string]any{"enabled": false, "redact_secrets": false}, false},
		"a block":          {map[string]any{"redact_secrets": false}, true},
		"enabled: true":    {map[string]any{"enabled": true}, true},
		"with pseudonyms":  {map[string]any{"pseudonymize": map[string]any{"enabled": true, "key": "0123456789abcdef0123456789abcdef"}}, true},
		"an empty mapping": {map[string]any{}, true},
	} {
		t.Run(name, func(t *testing.T) {
			inp, err := configure(with(tc.mapping), log)
			require.NoError(t, err)
			assert.Equal(t, tc.maps, inp.(*input).mapper != nil)
		})
	}

	// A misspelt option is an error that names it, as for the processor.
	_, err := configure(with(map[string]any{"redact_secret": false}), log)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mapping")
	assert.Contains(t, err.Error(), "redact_secret")
	_, err = configure(with(map[string]any{"pseudonymize": map[string]any{"enabled": true}}), log)
	require.Error(t, err, "pseudonymize without its key")
	assert.Contains(t, err.Error(), "mapping")
	require.Error(t, CheckConfig(with(map[string]any{"enabled": "sometimes"})))
}
