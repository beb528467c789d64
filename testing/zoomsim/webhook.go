// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package zoomsim plays Zoom's side in zoombeat's tests: it signs and sends
// webhook notifications the way Zoom does. It is written from Zoom's
// documentation alone, independently of the input's code, so that a test
// passing against it means the input agrees with Zoom, not with itself.
package zoomsim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Signature returns Zoom's x-zm-signature for body sent at Unix second ts:
// "v0=" + hex(HMAC-SHA256(secret, "v0:{ts}:{body}")).
func Signature(secret string, body []byte, ts int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// EncryptedToken is what Zoom expects back for a URL validation challenge.
func EncryptedToken(secret, plainToken string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(plainToken))
	return hex.EncodeToString(mac.Sum(nil))
}

// ValidationBody is the body of Zoom's endpoint.url_validation request.
func ValidationBody(plainToken string, eventTS time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"event":    "endpoint.url_validation",
		"event_ts": eventTS.UnixMilli(),
		"payload":  map[string]string{"plainToken": plainToken},
	})
	return b
}

// Sender posts notifications to an endpoint as Zoom does.
type Sender struct {
	URL    string
	Secret string
	Client *http.Client     // http.DefaultClient when nil
	Now    func() time.Time // time.Now when nil; tests move the clock
	Header http.Header      // extra headers, e.g. the app's custom header
}

// Request builds a signed POST of body, as Zoom sends it.
func (s *Sender) Request(ctx context.Context, body []byte) (*http.Request, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	ts := now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range s.Header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Zoom Marketplace/1.0a")
	req.Header.Set("x-zm-request-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("x-zm-signature", Signature(s.Secret, body, ts))
	req.Header.Set("x-zm-trackingid", "v=2.0;clid=us06;rid="+strconv.FormatInt(now().UnixNano(), 36))
	return req, nil
}

// Response is an endpoint's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Send signs and posts body, and reads the answer.
func (s *Sender) Send(ctx context.Context, body []byte) (*Response, error) {
	req, err := s.Request(ctx, body)
	if err != nil {
		return nil, err
	}
	return Do(s.client(), req)
}

func (s *Sender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return http.DefaultClient
}

// Do sends req and reads the whole answer.
func Do(c *http.Client, req *http.Request) (*Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}
