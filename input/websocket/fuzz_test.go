// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	pubtest "github.com/elastic/beats/v7/libbeat/publisher/testing"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// Whatever content a message carries, it is published once: as a
// notification with its DeliveryID, or with error.message and what came.
func FuzzPublishContent(f *testing.F) {
	for _, seed := range []string{
		notification(1), `{"payload":{}}`, `[1,2]`, `{"event":"x"} trailing`, `{"event":"meeting.started","payload":{"object":{"id":123456789012345678901234}}}`, "", "\xff",
	} {
		f.Add(seed)
	}
	events := make(chan beat.Event, 1)
	r := &runner{in: &input{cfg: defaultConfig()}, log: logp.NewNopLogger(), metrics: newInputMetrics(nil), client: pubtest.NewChanClientWith(events)}
	f.Fuzz(func(t *testing.T, content string) {
		raw, _ := json.Marshal(envelope{Module: moduleMessage, Content: content})
		r.publish(envelope{Module: moduleMessage, Content: content}, raw)
		ev := <-events
		require.Equal(t, contract.DeliveryID([]byte(content)), ev.Meta["_id"])
		_, _, err := contract.DecodeNotification([]byte(content), false)
		msg, _ := ev.Fields.GetValue("error.message")
		if err != nil {
			require.NotNil(t, msg)
			orig, _ := ev.Fields.GetValue("event.original")
			require.Equal(t, content, orig)
		} else {
			require.Nil(t, msg)
			require.NotNil(t, ev.Fields[contract.Field])
		}
	})
}
