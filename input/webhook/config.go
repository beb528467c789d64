// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/elastic/beats/v7/libbeat/common/cfgtype"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// config holds the zoom_webhook input settings. The key names are the ones
// the README, the zoom module and users share; change them only with all three.
type config struct {
	ListenAddress string `config:"listen_address"`
	ListenPort    int    `config:"listen_port"`
	URL           string `config:"url"`

	// SecretToken is the Zoom app's Secret Token. It keys both the request
	// signature (x-zm-signature) and the endpoint.url_validation answer.
	SecretToken   string `config:"secret_token"`
	AllowUnsigned bool   `config:"allow_unsigned"`
	Signature     struct {
		MaxAge time.Duration `config:"max_age"`
	} `config:"signature"`

	// Secret is Zoom's optional "custom header": a header name and value the
	// app owner chose, checked on every request in addition to the signature.
	Secret struct {
		Header string `config:"header"`
		Value  string `config:"value"`
	} `config:"secret"`

	TLS *tlscommon.ServerConfig `config:"ssl"`

	// AcceptGzip admits Content-Encoding: gzip (a compressing proxy between
	// Zoom and the listener). Zoom sends plain JSON, and a gzip body can
	// expand a thousandfold beyond its bytes on the wire, so it is off.
	AcceptGzip bool `config:"accept_gzip"`

	MaxBodyBytes cfgtype.ByteSize `config:"max_body_bytes"`
	// MaxInflightBytes bounds the bytes of request bodies held at once,
	// across connections; a request past it gets 503 (see bodyBudget).
	MaxInflightBytes cfgtype.ByteSize `config:"max_inflight_bytes"`
	MaxHeaderBytes   cfgtype.ByteSize `config:"max_header_bytes"`
	ReadTimeout      time.Duration    `config:"read_timeout"`
	// HeaderTimeout bounds a request's line, headers and the first 8 KiB of
	// its body (what fasthttp reads before the handler), from its first
	// byte: a minimum header data rate, so that slow requests, one after
	// another on a keep-alive connection, cannot keep it busy.
	HeaderTimeout time.Duration `config:"header_timeout"`
	WriteTimeout  time.Duration `config:"write_timeout"`
	IdleTimeout   time.Duration `config:"idle_timeout"`

	// ACKTimeout bounds how long a request waits for its event to be
	// acknowledged by the pipeline. Zoom abandons a delivery after about 3s,
	// so waiting longer only turns a 503 (retried by Zoom) into a timeout.
	ACKTimeout time.Duration `config:"ack_timeout"`

	// MaxConnections caps concurrent connections (0: no cap). Connections
	// past it wait in the kernel's accept queue instead of taking memory
	// and goroutines, so a flood cannot starve Zoom's own deliveries of
	// file descriptors.
	MaxConnections int `config:"max_connections"`

	// The shares of one source address (0: no share): a sender can take no
	// more than these, so that it cannot lock out the others (Zoom). Behind
	// a reverse proxy every request comes from the proxy's address: set
	// them to 0 there, and let the proxy limit per client.
	MaxConnectionsPerSource   int              `config:"max_connections_per_source"`
	MaxInflightBytesPerSource cfgtype.ByteSize `config:"max_inflight_bytes_per_source"`

	// AllowedNetworks, when not empty, admits connections only from these
	// CIDR prefixes (or single addresses); others are closed on accept.
	AllowedNetworks []string `config:"allowed_networks"`

	IncludeHeaders        []string `config:"include_headers"`
	PreserveOriginalEvent bool     `config:"preserve_original_event"`

	// KeepNull is Filebeat's own per-input keep_null setting. The input
	// builds events that need no normalization (see startWorkers), so it
	// applies keep_null itself when it decodes the body.
	KeepNull bool `config:"keep_null"`

	// Mapping, when present, has the input map each notification to ECS
	// itself, with the zoom processor's options (redact_secrets,
	// pseudonymize); enabled: false turns it off. The zoom module maps this
	// way (see zoom.ForInput); without it, a `zoom` processor maps.
	Mapping *conf.C `config:"mapping"`
}

// DefaultACKTimeout is ack_timeout's default: within Zoom's 3 s deadline, with
// room for the answer to travel. internal/queuefit fits the output's queue to it.
const DefaultACKTimeout = 2 * time.Second

func defaultConfig() config {
	c := config{
		ListenAddress:    "localhost",
		ListenPort:       8181,
		URL:              "/zoom",
		MaxBodyBytes:     1 << 20,
		MaxInflightBytes: 16 << 20,
		MaxHeaderBytes:   16 << 10,
		ReadTimeout:      10 * time.Second,
		HeaderTimeout:    2 * time.Second,
		WriteTimeout:     10 * time.Second,
		// Zoom sends bursts and then nothing for a while: a keep-alive
		// connection is worth keeping for a burst, not for minutes.
		IdleTimeout:    30 * time.Second,
		ACKTimeout:     DefaultACKTimeout,
		MaxConnections: 1024,
		// A quarter each: two attacking addresses leave Zoom's half.
		MaxConnectionsPerSource:   256,
		MaxInflightBytesPerSource: 4 << 20,
	}
	c.Signature.MaxAge = 5 * time.Minute
	return c
}

// Validate is called by go-ucfg after unpacking; every error names the key.
func (c *config) Validate() error {
	var errs []error
	if c.ListenAddress == "" {
		errs = append(errs, errors.New("listen_address must not be empty"))
	}
	if c.ListenPort < 0 || c.ListenPort > 65535 {
		errs = append(errs, fmt.Errorf("listen_port %d is not a TCP port (0-65535)", c.ListenPort))
	}
	if !strings.HasPrefix(c.URL, "/") {
		errs = append(errs, fmt.Errorf("url %q must start with /", c.URL))
	}
	if c.SecretToken == "" && !c.AllowUnsigned {
		errs = append(errs, errors.New("secret_token is required (the Zoom app's Secret Token, e.g. ${ZOOM_SECRET_TOKEN} from the keystore); set allow_unsigned: true only for testing"))
	}
	// The development secret is published: only a loopback listener may use it.
	if c.SecretToken == contract.DevelopmentSecret && !loopback(c.ListenAddress) {
		errs = append(errs, fmt.Errorf("secret_token is zoombeat's published development secret, accepted only on a loopback listen_address (not %q): set the Zoom app's Secret Token (ZOOM_SECRET_TOKEN, in the keystore or the environment)", c.ListenAddress))
	}
	if c.Signature.MaxAge <= 0 {
		errs = append(errs, fmt.Errorf("signature.max_age must be positive, got %v", c.Signature.MaxAge))
	}
	if (c.Secret.Header == "") != (c.Secret.Value == "") {
		errs = append(errs, errors.New("secret.header and secret.value must be set together"))
	}
	if c.Secret.Header != "" && !validHeaderName(c.Secret.Header) {
		errs = append(errs, fmt.Errorf("secret.header %q is not a valid HTTP header name", c.Secret.Header))
	}
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes must be positive, got %d", c.MaxBodyBytes))
	}
	if c.MaxInflightBytes < c.MaxBodyBytes {
		errs = append(errs, fmt.Errorf("max_inflight_bytes (%d) must be at least max_body_bytes (%d)", c.MaxInflightBytes, c.MaxBodyBytes))
	}
	if c.MaxConnections < 0 {
		errs = append(errs, fmt.Errorf("max_connections must be 0 (no cap) or positive, got %d", c.MaxConnections))
	}
	if c.MaxConnectionsPerSource < 0 {
		errs = append(errs, fmt.Errorf("max_connections_per_source must be 0 (no share) or positive, got %d", c.MaxConnectionsPerSource))
	}
	if c.MaxInflightBytesPerSource != 0 && (c.MaxInflightBytesPerSource < smallBodyBytes || c.MaxInflightBytesPerSource > c.MaxInflightBytes) {
		errs = append(errs, fmt.Errorf("max_inflight_bytes_per_source must be 0 (no share) or between %d and max_inflight_bytes (%d), got %d", smallBodyBytes, c.MaxInflightBytes, c.MaxInflightBytesPerSource))
	}
	if _, err := parseNetworks(c.AllowedNetworks); err != nil {
		errs = append(errs, err)
	}
	if c.MaxHeaderBytes <= 0 {
		errs = append(errs, fmt.Errorf("max_header_bytes must be positive, got %d", c.MaxHeaderBytes))
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{
		{"read_timeout", c.ReadTimeout}, {"header_timeout", c.HeaderTimeout}, {"write_timeout", c.WriteTimeout},
		{"idle_timeout", c.IdleTimeout}, {"ack_timeout", c.ACKTimeout},
	} {
		if t.d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %v", t.key, t.d))
		}
	}
	if c.HeaderTimeout > c.ReadTimeout {
		errs = append(errs, fmt.Errorf("header_timeout (%v) must not be longer than read_timeout (%v)", c.HeaderTimeout, c.ReadTimeout))
	}
	if c.WriteTimeout > 0 && c.ACKTimeout >= c.WriteTimeout {
		errs = append(errs, fmt.Errorf("ack_timeout (%v) must be shorter than write_timeout (%v), or no answer could be written after waiting for the ACK", c.ACKTimeout, c.WriteTimeout))
	}
	for _, h := range c.IncludeHeaders {
		if !validHeaderName(h) {
			errs = append(errs, fmt.Errorf("include_headers: %q is not a valid HTTP header name", h))
		}
	}
	if c.TLS != nil {
		if err := c.TLS.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("ssl: %w", err))
		}
	}
	return errors.Join(errs...)
}

// parseNetworks reads allowed_networks: CIDR prefixes, or single addresses.
func parseNetworks(networks []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for _, n := range networks {
		prefix, err := netip.ParsePrefix(n)
		if err != nil {
			addr, aerr := netip.ParseAddr(n)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("allowed_networks: %q is neither a CIDR prefix (203.0.113.0/24) nor an address", n))
				continue
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, prefix.Masked())
	}
	return out, errors.Join(errs...)
}

// loopback reports whether the listen address reaches this host only:
// localhost or a loopback IP.
func loopback(address string) bool {
	if strings.EqualFold(address, "localhost") {
		return true
	}
	ip := net.ParseIP(address)
	return ip != nil && ip.IsLoopback()
}

// validHeaderName reports whether s is an RFC 9110 token, the syntax of a
// header field name.
func validHeaderName(s string) bool {
	return isToken([]byte(s))
}

// isToken reports whether b is an RFC 9110 token: one or more of the
// letters, digits and !#$%&'*+-.^_`|~.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c > 0x7e || c <= ' ' || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
