// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package managed

import _ "embed"

// Spec is the Elastic Agent component spec (zoombeat.spec.yml), which goes
// into the Agent's components/ directory beside the binary named zoombeat.
//
//go:embed zoombeat.spec.yml
var Spec []byte
