// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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

// The ways a signature check fails, for errors.Is; the error itself says
// more (which header, how old), and is what the caller is answered.
var (
	ErrNoTimestamp  = errors.New("missing " + lowerTimestamp + " header")
	ErrBadTimestamp = errors.New(lowerTimestamp + " header is not a Unix time in seconds")
	ErrNoSignature  = errors.New("missing " + lowerSignature + " header")
	ErrBadSignature = errors.New(lowerSignature + ` header is not "v0=" and a hex HMAC-SHA256`)
	ErrMismatch     = errors.New(lowerSignature + " does not match the body and timestamp")
	ErrTooOld       = errors.New(lowerTimestamp + " is older than signature.max_age")
	ErrInFuture     = errors.New(lowerTimestamp + " is further in the future than signature.max_age")
)

var (
	lowerSignature = strings.ToLower(headerSignature)
	lowerTimestamp = strings.ToLower(headerTimestamp)
)

// signatureError is a failed check: kind (one of the Err values above) and
// a reason sent to the caller, which names the header at fault but never the
// expected value.
type signatureError struct {
	kind   error
	reason string
}

func (e *signatureError) Error() string { return "signature check failed: " + e.reason }
func (e *signatureError) Unwrap() error { return e.kind }

func sigErr(kind error, format string, args ...any) error {
	return &signatureError{kind: kind, reason: fmt.Sprintf(format, args...)}
}

// Verifier checks Zoom's signatures with an app's Secret Token, in the
// manner of stripe-go's webhook.ValidatePayload, and answers its URL
// validation. Safe for concurrent use.
type Verifier struct {
	key    *key
	maxAge time.Duration
}

// NewVerifier checks with secret and admits timestamps within maxAge of the
// clock, on either side (signature.max_age).
func NewVerifier(secret []byte, maxAge time.Duration) *Verifier {
	return &Verifier{key: newKey(secret), maxAge: maxAge}
}

// Verify checks a request: signature is the x-zm-signature header,
// "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)), where
// timestamp is the x-zm-request-timestamp header (Unix seconds) and body the
// raw request body. The MAC is compared in constant time before the
// timestamp is looked at, so a forged request learns nothing about the
// clock; then the timestamp must lie within maxAge of now, which bounds how
// long a captured request can be replayed.
func (v *Verifier) Verify(body []byte, timestamp, signature string) error {
	return v.verifyAt(body, timestamp, signature, time.Now())
}

func (v *Verifier) verifyAt(body []byte, timestamp, signature string, now time.Time) error {
	if timestamp == "" {
		return sigErr(ErrNoTimestamp, "%v", ErrNoTimestamp)
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return sigErr(ErrBadTimestamp, "%v", ErrBadTimestamp)
	}
	if signature == "" {
		return sigErr(ErrNoSignature, "%v", ErrNoSignature)
	}
	hexMAC, ok := strings.CutPrefix(signature, signaturePrefix)
	if !ok {
		return sigErr(ErrBadSignature, "%s header does not start with %q", lowerSignature, signaturePrefix)
	}
	var got [sha256.Size]byte
	if len(hexMAC) != 2*len(got) {
		return sigErr(ErrBadSignature, "%s header is not a hex HMAC-SHA256", lowerSignature)
	}
	if _, err := hex.Decode(got[:], []byte(hexMAC)); err != nil {
		return sigErr(ErrBadSignature, "%s header is not a hex HMAC-SHA256", lowerSignature)
	}
	if !hmac.Equal(got[:], v.key.signature(body, timestamp)) {
		return sigErr(ErrMismatch, "%v (wrong secret_token, or the body was altered)", ErrMismatch)
	}
	// Compared in whole seconds, the unit of the header: a Duration between
	// time.Unix(ts, 0) and now overflows for values about 292 years away
	// (milliseconds, 2^62...), and an overflowed age passed as fresh.
	nowS, tolS := now.Unix(), int64(v.maxAge/time.Second)
	switch {
	case ts < nowS-tolS:
		return sigErr(ErrTooOld, "%s is %s old, beyond signature.max_age %v", lowerTimestamp, span(nowS, ts), v.maxAge)
	case ts > nowS+tolS:
		return sigErr(ErrInFuture, "%s is %s in the future, beyond signature.max_age %v%s", lowerTimestamp, span(ts, nowS), v.maxAge, millisHint(ts))
	}
	return nil
}

// EncryptedToken answers Zoom's endpoint.url_validation challenge:
// hex(HMAC-SHA256(secret, plainToken)).
func (v *Verifier) EncryptedToken(plainToken string) string {
	return hex.EncodeToString(v.key.sum([]byte(plainToken)))
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

// key is a Zoom app's Secret Token, the key of every signature, with HMAC
// states kept for reuse: hmac.New allocates two SHA-256 states and hashes the
// key's pads into them, on every request, while a state used once restarts
// from its saved pads (hmac's Reset). Safe for concurrent use.
type key struct {
	secret []byte
	macs   sync.Pool // of hash.Hash, HMAC-SHA256 with secret
}

func newKey(secret []byte) *key {
	k := &key{secret: secret}
	k.macs.New = func() any { return hmac.New(sha256.New, k.secret) }
	return k
}

// sum returns the HMAC-SHA256 of the parts, written one after the other,
// with a state from the pool.
func (k *key) sum(parts ...[]byte) []byte {
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
func (k *key) signature(body []byte, timestamp string) []byte {
	prefix := make([]byte, 0, 16)
	return k.sum(append(append(append(prefix, "v0:"...), timestamp...), ':'), body)
}
