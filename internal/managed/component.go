// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package managed

// ComponentName is the name the Agent knows zoombeat by: the binary's name
// and its spec's, in the Agent's components/ directory (internal/artifacts
// builds the component archive).
const ComponentName = "zoombeat"
