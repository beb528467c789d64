// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

func TestEncryptedTokenZoomVector(t *testing.T) {
	// The example from Zoom's documentation of the URL validation challenge.
	assert.Equal(t,
		"70c1f2e2e6ca2d39297490d1f9142c7d701415ea8e6151f6562a08fa657a40ff",
		NewVerifier([]byte("secretValueTest"), time.Minute).EncryptedToken("qgg8vlvZRS6UYooatFL8Aw"))
}

func TestVerifySignature(t *testing.T) {
	const secret = "s3cr3t"
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"event":"meeting.started","event_ts":1700000000000,"payload":{}}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := zoomsim.Signature(secret, body, now.Unix())
	at := func(d time.Duration) (string, string) {
		t := now.Add(d).Unix()
		return strconv.FormatInt(t, 10), zoomsim.Signature(secret, body, t)
	}
	staleTS, staleSig := at(-6 * time.Minute)
	futureTS, futureSig := at(6 * time.Minute)
	edgeTS, edgeSig := at(-5 * time.Minute)
	signedAt := func(ts int64) string { return strconv.FormatInt(ts, 10) }
	signedSig := func(ts int64) string { return zoomsim.Signature(secret, body, ts) }

	cases := []struct {
		name      string
		body      []byte
		ts, sig   string
		wantError string // "" means valid
		kind      error
	}{
		{"good", body, ts, good, "", nil},
		{"at the edge of max_age", body, edgeTS, edgeSig, "", nil},
		{"wrong secret", body, ts, zoomsim.Signature("other", body, now.Unix()), "does not match the body", ErrMismatch},
		{"body altered", append([]byte(" "), body...), ts, good, "does not match the body", ErrMismatch},
		{"timestamp altered", body, strconv.FormatInt(now.Unix()+1, 10), good, "does not match the body", ErrMismatch},
		{"stale", body, staleTS, staleSig, "x-zm-request-timestamp is 6m0s old, beyond signature.max_age 5m0s", ErrTooOld},
		{"future", body, futureTS, futureSig, "x-zm-request-timestamp is 6m0s in the future", ErrInFuture},
		{"missing timestamp", body, "", good, "missing x-zm-request-timestamp header", ErrNoTimestamp},
		{"timestamp not a number", body, "yesterday", good, "x-zm-request-timestamp header is not a Unix time", ErrBadTimestamp},
		{"timestamp in milliseconds", body, ts + "000", good, "does not match", ErrMismatch},
		{"missing signature", body, ts, "", "missing x-zm-signature header", ErrNoSignature},
		{"wrong prefix", body, ts, "v1=" + good[3:], `does not start with "v0="`, ErrBadSignature},
		{"no prefix", body, ts, good[3:], `does not start with "v0="`, ErrBadSignature},
		{"not hex", body, ts, "v0=zz" + good[5:], "not a hex HMAC-SHA256", ErrBadSignature},
		{"truncated", body, ts, good[:len(good)-2], "not a hex HMAC-SHA256", ErrBadSignature},
		{"upper-case hex", body, ts, "v0=" + upper(good[3:]), "", nil},
		// Far-future values, each signed correctly: the age once overflowed
		// and passed as fresh.
		{"signed milliseconds", body, signedAt(1732435200000), signedSig(1732435200000), "in the future, beyond signature.max_age 5m0s (Zoom sends Unix seconds, not milliseconds)", ErrInFuture},
		{"signed 2^62", body, signedAt(1 << 62), signedSig(1 << 62), "over 292 years in the future", ErrInFuture},
		{"signed 2^63-1", body, signedAt(math.MaxInt64), signedSig(math.MaxInt64), "over 292 years in the future", ErrInFuture},
		{"signed -2^63", body, signedAt(math.MinInt64), signedSig(math.MinInt64), "over 292 years old", ErrTooOld},
		{"signed 0", body, signedAt(0), signedSig(0), "old, beyond signature.max_age", ErrTooOld},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := NewVerifier([]byte(secret), 5*time.Minute).verifyAt(c.body, c.ts, c.sig, now)
			if c.wantError == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.ErrorIs(t, err, c.kind, "a caller tells the failure apart with errors.Is")
			assert.Contains(t, err.Error(), c.wantError)
			assert.NotContains(t, err.Error(), good[3:], "the error must not reveal the expected MAC")
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestZoomsimAgreesWithVerify(t *testing.T) {
	// The simulator signs independently of Key.signature; both must agree
	// with a vector worked out by hand with openssl:
	// printf 'v0:1700000000:{}' | openssl dgst -sha256 -hmac key
	const want = "v0=fd9fa6c53274153a1b20c4777f83ea49e617d4b58da089ca0e8ae76300d03970"
	got := zoomsim.Signature("key", []byte("{}"), 1700000000)
	assert.Equal(t, want, got)
	require.NoError(t, NewVerifier([]byte("key"), time.Minute).verifyAt([]byte("{}"), "1700000000", got, time.Unix(1700000000, 0)))
}

func BenchmarkVerifySignature(b *testing.B) {
	body := make([]byte, 2048)
	for i := range body {
		body[i] = 'a'
	}
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := zoomsim.Signature("s3cr3t", body, now.Unix())
	v := NewVerifier([]byte("s3cr3t"), time.Minute)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := v.verifyAt(body, ts, sig, now); err != nil {
			b.Fatal(err)
		}
	}
}

// A Verifier reuses its HMAC states: every use must start from the key alone,
// whatever the state hashed before, from any number of goroutines.
func TestKeyIsReusable(t *testing.T) {
	v := NewVerifier([]byte("key"), time.Minute)
	now := time.Unix(1700000000, 0)
	valid := zoomsim.Signature("key", []byte("{}"), now.Unix())
	other := zoomsim.Signature("key", []byte(`{"a":1}`), now.Unix())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				assert.NoError(t, v.verifyAt([]byte("{}"), "1700000000", valid, now))
				assert.ErrorIs(t, v.verifyAt([]byte("{}"), "1700000000", other, now), ErrMismatch)
				assert.Equal(t, NewVerifier([]byte("key"), time.Minute).EncryptedToken("qgg8vlvZRS6UYooatFL8Aw"), v.EncryptedToken("qgg8vlvZRS6UYooatFL8Aw"))
			}
		})
	}
	wg.Wait()
}
