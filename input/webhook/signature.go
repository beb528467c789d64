// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Zoom's request headers that carry the signature. See
// https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events.
const (
	headerSignature = "X-Zm-Signature"
	headerTimestamp = "X-Zm-Request-Timestamp"
	signaturePrefix = "v0="
)

// SignatureError says which check of a Zoom signature failed. Its text is sent
// to the caller, so it names the header at fault but never the expected value.
type SignatureError struct{ Reason string }

func (e *SignatureError) Error() string { return "signature check failed: " + e.Reason }

func sigErr(format string, args ...any) error {
	return &SignatureError{Reason: fmt.Sprintf(format, args...)}
}

// VerifySignature checks a Zoom webhook request, in the manner of stripe-go's
// webhook.ValidatePayload: signature is the x-zm-signature header,
// "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)), where
// timestamp is the x-zm-request-timestamp header (Unix seconds) and body the
// raw request body. The MAC is compared in constant time before the timestamp
// is looked at, so a forged request learns nothing about the clock; then the
// timestamp must lie within tolerance of now, on either side, which bounds
// how long a captured request can be replayed.
func VerifySignature(key *Key, body []byte, timestamp, signature string, tolerance time.Duration, now time.Time) error {
	if timestamp == "" {
		return sigErr("missing %s header", strings.ToLower(headerTimestamp))
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return sigErr("%s header is not a Unix time in seconds", strings.ToLower(headerTimestamp))
	}
	if signature == "" {
		return sigErr("missing %s header", strings.ToLower(headerSignature))
	}
	hexMAC, ok := strings.CutPrefix(signature, signaturePrefix)
	if !ok {
		return sigErr("%s header does not start with %q", strings.ToLower(headerSignature), signaturePrefix)
	}
	var got [sha256.Size]byte
	if len(hexMAC) != 2*len(got) {
		return sigErr("%s header is not a hex HMAC-SHA256", strings.ToLower(headerSignature))
	}
	if _, err := hex.Decode(got[:], []byte(hexMAC)); err != nil {
		return sigErr("%s header is not a hex HMAC-SHA256", strings.ToLower(headerSignature))
	}
	if !hmac.Equal(got[:], key.signature(body, timestamp)) {
		return sigErr("%s does not match the body and timestamp (wrong secret_token, or the body was altered)", strings.ToLower(headerSignature))
	}
	// Compared in whole seconds, the unit of the header: a Duration between
	// time.Unix(ts, 0) and now overflows for values about 292 years away
	// (milliseconds, 2^62...), and an overflowed age passed as fresh.
	nowS, tolS := now.Unix(), int64(tolerance/time.Second)
	switch {
	case ts < nowS-tolS:
		return sigErr("%s is %s old, beyond signature.max_age %v", strings.ToLower(headerTimestamp), span(nowS, ts), tolerance)
	case ts > nowS+tolS:
		return sigErr("%s is %s in the future, beyond signature.max_age %v%s", strings.ToLower(headerTimestamp), span(ts, nowS), tolerance, millisHint(ts))
	}
	return nil
}

// span is the time from b to a (a >= b), both Unix seconds, without
// overflow: the difference of two int64 fits a uint64.
func span(a, b int64) string {
	d := uint64(a) - uint64(b)
	if d > uint64(math.MaxInt64/int64(time.Second)) {
		return "over 292 years"
	}
	return (time.Duration(d) * time.Second).String()
}

// millisHint points at the likeliest mistake behind a far-future timestamp.
func millisHint(ts int64) string {
	if ts >= 1e11 {
		return " (Zoom sends Unix seconds, not milliseconds)"
	}
	return ""
}

// Key is a Zoom app's Secret Token, the key of every signature, with HMAC
// states kept for reuse: hmac.New allocates two SHA-256 states and hashes the
// key's pads into them, on every request, while a state used once restarts
// from its saved pads (hmac's Reset). Safe for concurrent use.
type Key struct {
	secret []byte
	macs   sync.Pool // of hash.Hash, HMAC-SHA256 with secret
}

// NewKey returns the Key of secret.
func NewKey(secret []byte) *Key {
	k := &Key{secret: secret}
	k.macs.New = func() any { return hmac.New(sha256.New, k.secret) }
	return k
}

// sum returns the HMAC-SHA256 of the parts, written one after the other,
// with a state from the pool.
func (k *Key) sum(parts ...[]byte) []byte {
	h := k.macs.Get().(hash.Hash)
	defer k.macs.Put(h)
	h.Reset()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// signature returns the raw HMAC-SHA256 that Zoom sends, hex-encoded after
// "v0=", in x-zm-signature.
func (k *Key) signature(body []byte, timestamp string) []byte {
	prefix := make([]byte, 0, 16)
	return k.sum(append(append(append(prefix, "v0:"...), timestamp...), ':'), body)
}

// EncryptedToken answers Zoom's endpoint.url_validation challenge:
// hex(HMAC-SHA256(secret, plainToken)).
func EncryptedToken(key *Key, plainToken string) string {
	return hex.EncodeToString(key.sum([]byte(plainToken)))
}
