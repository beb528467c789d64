// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"fmt"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// config holds the zoom processor's settings.
type config struct {
	// Field holds the Zoom notification as the push inputs publish
	// it (the decoded body). It is replaced by the mapped zoom.* fields.
	Field string `config:"field"`
	// RedactSecrets masks meeting and webinar passcodes, host keys, download
	// tokens and the pwd/zak/token parameters of URLs.
	RedactSecrets bool `config:"redact_secrets"`
	// Pseudonymize replaces people's identifiers with keyed HMACs.
	Pseudonymize pseudonymizeConfig `config:"pseudonymize"`
}

func defaultConfig() config {
	return config{Field: contract.Field, RedactSecrets: true}
}

func (c *config) Validate() error {
	if c.Field == "" {
		return fmt.Errorf("field must name the field that holds the Zoom notification")
	}
	return c.Pseudonymize.validate()
}
