// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package websocket

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/elastic/beats/v7/libbeat/common/cfgtype"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"

	"github.com/zoombeat/zoombeat/input/zoomoauth"
)

// config holds the zoom_websocket settings.
type config struct {
	// URL is the subscription's endpoint as Zoom shows it
	// (wss://ws.zoom.us/ws?subscriptionId=<id>), or the endpoint alone
	// with SubscriptionID set.
	URL            string `config:"url"`
	SubscriptionID string `config:"subscription_id"`

	// The app's credentials, and the grant that gets its tokens.
	GrantType    string `config:"grant_type"`
	AccountID    string `config:"account_id"`
	ClientID     string `config:"client_id"`
	ClientSecret string `config:"client_secret"`
	OAuthURL     string `config:"oauth_url"`

	TLS      *tlscommon.Config `config:"ssl"`
	ProxyURL string            `config:"proxy_url"`
	// Timeout bounds a token request and a connection's opening (its
	// handshake and Zoom's build_connection answer).
	Timeout time.Duration `config:"timeout"`

	// HeartbeatInterval is how often {"module":"heartbeat"} is sent; a
	// connection that has sent nothing for two intervals is dead.
	HeartbeatInterval time.Duration `config:"heartbeat_interval"`

	Backoff struct {
		Init time.Duration `config:"init"`
		Max  time.Duration `config:"max"`
	} `config:"backoff"`

	// MaxMessageBytes bounds one WebSocket message; a larger one closes the
	// connection (the event could not be read whole anyway).
	MaxMessageBytes cfgtype.ByteSize `config:"max_message_bytes"`

	PreserveOriginalEvent bool    `config:"preserve_original_event"`
	KeepNull              bool    `config:"keep_null"`
	Mapping               *conf.C `config:"mapping"` // as zoom_webhook's
}

// DefaultURL is Zoom's WebSocket endpoint.
const DefaultURL = "wss://ws.zoom.us/ws"

func defaultConfig() config {
	c := config{
		URL: DefaultURL,
		// Zoom's WebSocket page and sample get the token with
		// client_credentials.
		GrantType:         zoomoauth.GrantClientCredentials,
		OAuthURL:          "https://zoom.us/oauth/token",
		Timeout:           30 * time.Second,
		HeartbeatInterval: 30 * time.Second, // Zoom's documented interval
		MaxMessageBytes:   1 << 20,          // as zoom_webhook's max_body_bytes
	}
	c.Backoff.Init = time.Second
	c.Backoff.Max = time.Minute
	return c
}

// Validate names every key at fault; credentials are checked for presence
// only, and never quoted.
func (c *config) Validate() error {
	var errs []error
	grants := []string{zoomoauth.GrantClientCredentials, zoomoauth.GrantAccountCredentials}
	if !slices.Contains(grants, c.GrantType) {
		errs = append(errs, fmt.Errorf("grant_type %q is not one of %s", c.GrantType, strings.Join(grants, ", ")))
	}
	required := []struct{ key, val string }{{"client_id", c.ClientID}, {"client_secret", c.ClientSecret}}
	if c.GrantType == zoomoauth.GrantAccountCredentials {
		required = append(required, struct{ key, val string }{"account_id", c.AccountID})
	}
	for _, k := range required {
		if strings.TrimSpace(k.val) == "" {
			errs = append(errs, fmt.Errorf("%s is required (from the Zoom app that holds the WebSocket event subscription; keep it in the keystore)", k.key))
		}
	}
	if _, err := c.endpoint(); err != nil {
		errs = append(errs, err)
	}
	if p, err := url.Parse(c.OAuthURL); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		errs = append(errs, fmt.Errorf("oauth_url %q is not an http(s) URL", c.OAuthURL))
	}
	if err := zoomoauth.CheckProxyURL(c.ProxyURL); err != nil {
		errs = append(errs, err)
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout must be positive, got %v", c.Timeout))
	}
	if c.HeartbeatInterval < 100*time.Millisecond || c.HeartbeatInterval > 5*time.Minute {
		errs = append(errs, fmt.Errorf("heartbeat_interval must be between 100ms and 5m (Zoom asks for 30s), got %v", c.HeartbeatInterval))
	}
	if c.Backoff.Init <= 0 || c.Backoff.Max < c.Backoff.Init {
		errs = append(errs, fmt.Errorf("backoff.init (%v) must be positive and at most backoff.max (%v)", c.Backoff.Init, c.Backoff.Max))
	}
	if c.MaxMessageBytes < 1<<10 {
		errs = append(errs, fmt.Errorf("max_message_bytes must be at least 1KiB, got %d", c.MaxMessageBytes))
	}
	return errors.Join(errs...)
}

// endpoint is the URL to connect to without its token: url with the
// subscription id from subscription_id or url's own query.
func (c *config) endpoint() (*url.URL, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "wss" && u.Scheme != "ws") || u.Host == "" {
		return nil, fmt.Errorf("url %q is not a ws(s) URL (Zoom shows wss://ws.zoom.us/ws?subscriptionId=...)", c.URL)
	}
	q := u.Query()
	if q.Has("access_token") {
		return nil, errors.New("url must not hold an access_token: the input gets its own tokens")
	}
	inURL := q.Get("subscriptionId")
	switch {
	case inURL == "" && c.SubscriptionID == "":
		return nil, errors.New("subscription_id is required, or a url with ?subscriptionId= (the event subscription's endpoint URL in the Zoom app)")
	case inURL != "" && c.SubscriptionID != "" && inURL != c.SubscriptionID:
		return nil, fmt.Errorf("subscription_id %q differs from the subscriptionId %q of url", c.SubscriptionID, inURL)
	case inURL == "":
		q.Set("subscriptionId", c.SubscriptionID)
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// app is the credentials for zoomoauth.
func (c *config) app() zoomoauth.App {
	return zoomoauth.App{Grant: c.GrantType, AccountID: c.AccountID, ClientID: c.ClientID, ClientSecret: c.ClientSecret}
}
