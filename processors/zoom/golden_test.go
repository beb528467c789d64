// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package zoom

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden documents under testing/webhook")

// TestGolden maps every sample (webhook notifications and report entries)
// and compares the document with its golden file (<sample>.expected.json). Regenerate with
// `go test ./processors/zoom -run TestGolden -update` and review the diff.
func TestGolden(t *testing.T) {
	p := mustProcessor(t, nil)
	for _, pl := range payloads(t) {
		t.Run(pl.name, func(t *testing.T) {
			doc := document(t, p, pl.raw)
			goldenPath := strings.TrimSuffix(pl.path, ".json") + ".expected.json"
			if *update {
				b, _ := json.MarshalIndent(doc, "", "  ")
				if err := os.WriteFile(goldenPath, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("no golden document (run with -update): %v", err)
			}
			var want map[string]any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&want); err != nil {
				t.Fatal(err)
			}
			for _, d := range diffDocs(doc, want) {
				t.Error(d)
			}
		})
	}
}
