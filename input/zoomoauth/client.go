// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoomoauth

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/transport/httpcommon"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"
)

// Transport is how an input reaches Zoom: its ssl, proxy_url and timeout
// settings, under the keys zoom_reports has always had.
type Transport struct {
	TLS      *tlscommon.Config
	ProxyURL string
	Timeout  time.Duration
}

// HTTPClient is the client for Zoom's token endpoint, APIs and WebSocket
// handshake, built by elastic-agent-libs' httpcommon as Beats' HTTP inputs
// build theirs (TLS dialer with the ssl settings, proxy, timeout for the
// dial and the whole request). proxy_url is parsed here rather than by
// httpcommon's unpacking, whose error would quote the URL and a proxy's
// password with it.
func HTTPClient(t Transport, log *logp.Logger) (*http.Client, error) {
	settings := httpcommon.HTTPTransportSettings{TLS: t.TLS, Timeout: t.Timeout}
	p, err := parseProxyURL(t.ProxyURL)
	if err != nil {
		return nil, err
	}
	if p != nil {
		settings.Proxy.URL = httpcommon.NewProxyURIFromURL(*p)
	}
	// The only error of Client is the ssl settings' (their files, chiefly).
	c, err := settings.Client(httpcommon.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("ssl: %w", err)
	}
	return c, nil
}

// CheckProxyURL is the proxy_url check of Validate: nil for an empty or
// valid URL, else an error that does not show the proxy's credentials.
func CheckProxyURL(raw string) error {
	_, err := parseProxyURL(raw)
	return err
}

// parseProxyURL parses proxy_url (nil for none), with an error that does
// not show the proxy's credentials.
func parseProxyURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	p, err := url.Parse(raw)
	if err != nil || p.Host == "" {
		return nil, fmt.Errorf("proxy_url %s is not a URL", MaskUserinfo(raw))
	}
	return p, nil
}

// MaskUserinfo hides the user and password of a URL (a proxy's
// credentials) in a message, also where the URL does not parse.
func MaskUserinfo(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	at := strings.LastIndex(host, "@")
	if at < 0 {
		return strconv.Quote(raw)
	}
	start := len(raw) - len(rest)
	return strconv.Quote(raw[:start] + "REDACTED" + raw[start+at:])
}
