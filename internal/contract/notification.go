// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/zoombeat/zoombeat/input/jsonutil"
)

// Field is the event field that holds a Zoom notification (or a report's
// envelope) as the inputs publish it, and that the zoom processor maps.
const Field = "zoom"

// DecodeNotification parses a Zoom notification, the body of a webhook
// delivery or the content of a WebSocket message: one JSON object with an
// "event" string, which it returns with the event name. Numbers stay exact
// (a 64-bit meeting id must not become a float), see jsonutil.DecodeEvent.
// Its errors say what is wrong with the JSON; each input says it its way
// (the webhook with a 400).
func DecodeNotification(raw []byte, keepNull bool) (mapstr.M, string, error) {
	v, err := jsonutil.DecodeEvent(raw, keepNull)
	switch {
	case errors.Is(err, jsonutil.ErrTrailingData):
		return nil, "", errors.New("body has data after the JSON object")
	case err != nil:
		return nil, "", fmt.Errorf("body is not valid JSON: %w", err)
	}
	obj, ok := v.(mapstr.M)
	if !ok {
		return nil, "", fmt.Errorf("body is a JSON %s, not an object", jsonKind(v))
	}
	name, ok := obj["event"].(string)
	if !ok || name == "" {
		return nil, "", errors.New(`body has no "event" string naming the Zoom event`)
	}
	return obj, name, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case int64, float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// DeliveryID is the stable id of a Zoom notification: the hex SHA-256 of its
// JSON (a webhook body after Content-Encoding is undone, a WebSocket
// message's content), cut to 128 bits. Zoom retries a webhook notification
// with the same body (event_ts, payload) and re-signs it with a new
// timestamp, so the id ignores the headers: a retry gets the same id and, as
// @metadata._id, overwrites rather than duplicates the document. The same
// notification received by webhook and by WebSocket gets the same id too.
func DeliveryID(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:16])
}

// NotificationEvent is the event that zoom_webhook and zoom_websocket publish
// for a notification: body (raw decoded) under Field, its DeliveryID as
// event.id and @metadata._id, the time it was received as @timestamp and
// event.created, and raw as event.original when preserve is set. The
// fields hold only values that libbeat's event normalization leaves as they
// are (DecodeNotification's, strings, common.Time), so the inputs publish
// without it.
func NotificationEvent(raw []byte, body mapstr.M, received time.Time, preserve bool) beat.Event {
	id := DeliveryID(raw)
	event := mapstr.M{"id": id, "created": common.Time(received.UTC())}
	if preserve {
		event["original"] = string(raw)
	}
	return beat.Event{Timestamp: received, Meta: mapstr.M{"_id": id}, Fields: mapstr.M{Field: body, "event": event}}
}
