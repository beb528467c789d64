// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package release

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/elastic/beats/v7/libbeat/version"
)

// Version is zoombeat's version, the one place it is set: `filebeat version`
// prints it, and the archives, the deb and rpm packages, the Agent component
// archives and the integration package (whose manifest `go tool mage update`
// writes from it) carry it.
//
// The Beat itself keeps libbeat's version (agent.version in documents, the
// template and index names): libbeat compares it with Elasticsearch's version
// (`filebeat export template` takes it for the Elasticsearch version, and
// refuses ILM for "Elasticsearch 0.1.0"), so it must stay the version of the
// Filebeat that zoombeat is built on.
const Version = "0.1.0"

// SetVersionCommand makes libbeat's `version` sub-command print zoombeat's
// version and the commit first, then the Filebeat and libbeat it is built on.
func SetVersionCommand(c *cobra.Command) {
	c.Args = cobra.NoArgs
	c.Run = func(cmd *cobra.Command, _ []string) {
		fmt.Fprintln(cmd.OutOrStdout(), VersionLine())
	}
}

// VersionLine is what `filebeat version` prints.
func VersionLine() string {
	built := "unknown"
	if t := version.BuildTime(); !t.IsZero() {
		built = t.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("zoombeat version %s (%s/%s) [%s built %s], filebeat %s, libbeat %s",
		Version, runtime.GOOS, runtime.GOARCH, version.Commit(), built, version.GetDefaultVersion(), version.GetDefaultVersion())
}

// versionPackage is libbeat's package whose build-time variables `filebeat
// version` prints beside the version: the commit and the build time.
const versionPackage = "github.com/elastic/beats/v7/libbeat/version"

// Stamp is what the build records of the source it was built from.
type Stamp struct {
	Commit string // full commit id, "unknown" outside a git checkout
	Time   string // the commit's time (RFC 3339), so that builds repeat
}

// StampOf reads the commit checked out in root. Outside a git checkout (a
// source archive), the values are "unknown", as libbeat prints them.
func StampOf(root string) Stamp {
	s := Stamp{Commit: "unknown", Time: "unknown"}
	out, err := exec.Command("git", "-C", root, "log", "-1", "--format=%H %cI").Output()
	if err != nil {
		return s
	}
	if commit, time, ok := strings.Cut(strings.TrimSpace(string(out)), " "); ok {
		s.Commit, s.Time = commit, time
	}
	return s
}

// LDFlags are the linker flags that record s in libbeat's version package.
func (s Stamp) LDFlags() string {
	return "-X " + versionPackage + ".commit=" + s.Commit + " -X " + versionPackage + ".buildTime=" + s.Time
}
