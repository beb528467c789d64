// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package detections

import "fmt"

// config holds the zoom_detections processor's settings.
type config struct {
	// Rules lists the ids (or titles) of the rules to evaluate; empty: all.
	Rules []string `config:"rules"`
	// NewNetwork sizes the networks that "sign-in from a new network"
	// compares: an IPv4 /24 and an IPv6 /48 by default.
	NewNetwork struct {
		IPv4Prefix int `config:"ipv4_prefix"`
		IPv6Prefix int `config:"ipv6_prefix"`
		// MaxUsers bounds the users whose networks are remembered (the
		// least recently seen are forgotten first).
		MaxUsers int `config:"max_users"`
	} `config:"new_network"`
}

func defaultConfig() config {
	var c config
	c.NewNetwork.IPv4Prefix = 24
	c.NewNetwork.IPv6Prefix = 48
	c.NewNetwork.MaxUsers = 100000
	return c
}

func (c *config) Validate() error {
	if c.NewNetwork.IPv4Prefix < 8 || c.NewNetwork.IPv4Prefix > 32 {
		return fmt.Errorf("new_network.ipv4_prefix must be between 8 and 32, got %d", c.NewNetwork.IPv4Prefix)
	}
	if c.NewNetwork.IPv6Prefix < 16 || c.NewNetwork.IPv6Prefix > 128 {
		return fmt.Errorf("new_network.ipv6_prefix must be between 16 and 128, got %d", c.NewNetwork.IPv6Prefix)
	}
	if c.NewNetwork.MaxUsers < 1 {
		return fmt.Errorf("new_network.max_users must be positive, got %d", c.NewNetwork.MaxUsers)
	}
	return nil
}
