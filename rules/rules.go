// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package rules holds zoombeat's detection rules, in Sigma format, one YAML
// file per rule, written over the ECS and zoom.* fields that the zoom
// processor produces. The zoom_detections processor evaluates them.
package rules

import "embed"

// FS holds every rule file.
//
//go:embed *.yml
var FS embed.FS
