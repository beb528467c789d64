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
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"
)

// Transport is how an input reaches Zoom: the ssl, proxy_url and timeout
// settings, and the host that TLS names when ssl names no other.
type Transport struct {
	TLS      *tlscommon.Config
	ProxyURL string
	Timeout  time.Duration
	Host     string
}

// HTTPClient is the client for Zoom's token endpoint and APIs.
func HTTPClient(t Transport, log *logp.Logger) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tlsCfg, err := tlscommon.LoadTLSConfig(t.TLS, log)
	if err != nil {
		return nil, fmt.Errorf("ssl: %w", err)
	}
	if tlsCfg != nil {
		tr.TLSClientConfig = tlsCfg.BuildModuleClientConfig(t.Host)
	}
	if t.ProxyURL != "" {
		p, err := url.Parse(t.ProxyURL)
		if err != nil || p.Host == "" { // the error would quote the URL
			return nil, fmt.Errorf("proxy_url %s is not a URL", MaskUserinfo(t.ProxyURL))
		}
		tr.Proxy = http.ProxyURL(p)
	}
	return &http.Client{Transport: tr, Timeout: t.Timeout}, nil
}

// CheckProxyURL is the proxy_url check of Validate: nil for an empty or
// valid URL, else an error that does not show the proxy's credentials.
func CheckProxyURL(raw string) error {
	if raw == "" {
		return nil
	}
	if p, err := url.Parse(raw); err != nil || p.Host == "" {
		return fmt.Errorf("proxy_url %s is not a URL", MaskUserinfo(raw))
	}
	return nil
}

// HostOf is the host of a URL, "" if it does not parse.
func HostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Hostname()
	}
	return ""
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
