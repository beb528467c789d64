// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/indexcheck"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// receiptFields are the fields that the golden documents do not hold: when
// the event was received, and what Filebeat adds about itself and the module
// (agent, host, input, fileset, service, tags, @metadata).
var receiptFields = []string{"event.created", "@metadata", "agent", "host", "input", "fileset", "service", "tags", "log"}

func isReceiptField(path string) bool {
	for _, p := range receiptFields {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// TestModuleOutputMatchesGolden posts every sample notification, signed, to
// the real binary running the zoom module, and compares what the file output
// wrote with the golden documents, field by field.
func TestModuleOutputMatchesGolden(t *testing.T) {
	// As `filebeat --modules zoom` runs it: the module with its manifest
	// defaults, vars set with -M (the secret from the environment).
	port := freePort(t)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "modules.d"), 0o755))
	shipped, err := os.ReadFile(filepath.Join(repoRoot(), "modules.d", "zoom.yml.disabled"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "modules.d", "zoom.yml.disabled"), shipped, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("filebeat.config.modules.path: ${path.config}/modules.d/*.yml\n"+fileOutputConfig()), 0o600))
	fb, url := startArgs(t, dir, []string{"ZOOM_SECRET_TOKEN=" + secret},
		"--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"),
		"--modules", "zoom", "-M", "zoom.webhook.var.listen_address=127.0.0.1", "-M", "zoom.webhook.var.secret_token=${ZOOM_SECRET_TOKEN}", "-M", "zoom.webhook.var.listen_port="+itoa(port))
	sender := &zoomsim.Sender{URL: url, Secret: secret}

	samples, err := zoomsim.SamplePaths(filepath.Join(repoRoot(), "testing", "webhook"))
	require.NoError(t, err)
	golden := map[string]map[string]any{} // by _id
	names := map[string]string{}
	for _, path := range samples {
		body, err := os.ReadFile(path)
		require.NoError(t, err)
		resp, err := sender.Send(context.Background(), body)
		require.NoError(t, err)
		require.Equal(t, 200, resp.Status, "%s: %s", path, resp.Body)
		want := readJSON(t, strings.TrimSuffix(path, ".json")+".expected.json")
		id := contract.DeliveryID(body)
		golden[id] = want
		names[id] = filepath.Base(path)
	}
	require.Greater(t, len(golden), 80)

	docs := fb.docs()
	require.Len(t, docs, len(golden), "one document per notification")
	// What the binary writes indexes cleanly under what it exports.
	index, err := indexcheck.FromTemplate(exportTemplate(t))
	require.NoError(t, err)
	for _, doc := range docs {
		id, _ := get(doc, "@metadata._id").(string)
		for _, e := range index.Check(doc) {
			t.Errorf("%s: Elasticsearch would reject: %s", names[id], e)
		}
	}
	for _, doc := range docs {
		id, _ := get(doc, "@metadata._id").(string)
		want, ok := golden[id]
		if !assert.True(t, ok, "document with unknown _id %q", id) {
			continue
		}
		assert.Equal(t, "filebeat-9.3.0-zoom-webhook-pipeline", get(doc, "@metadata.pipeline"), "the module's ingest pipeline is named")
		for _, d := range diffIgnoringReceipt(doc, want) {
			t.Errorf("%s: %s", names[id], d)
		}
	}
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v), path)
	return v
}

func leaves(prefix string, v any, out map[string]any) {
	if m, ok := v.(map[string]any); ok {
		for k, e := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			leaves(p, e, out)
		}
		return
	}
	out[prefix] = v
}

// diffIgnoringReceipt names the fields that differ, comparing dates as
// instants (the output writes milliseconds, the golden files RFC 3339).
func diffIgnoringReceipt(got, want map[string]any) []string {
	g, w := map[string]any{}, map[string]any{}
	leaves("", got, g)
	leaves("", want, w)
	var diffs []string
	for k, wv := range w {
		if isReceiptField(k) {
			continue
		}
		gv, ok := g[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("field %s: missing, want %s", k, jsonOf(wv)))
			continue
		}
		if !sameValue(gv, wv) {
			diffs = append(diffs, fmt.Sprintf("field %s: got %s, want %s", k, jsonOf(gv), jsonOf(wv)))
		}
	}
	for k, gv := range g {
		if _, ok := w[k]; !ok && !isReceiptField(k) {
			diffs = append(diffs, fmt.Sprintf("field %s: unexpected %s", k, jsonOf(gv)))
		}
	}
	sort.Strings(diffs)
	return diffs
}

func sameValue(a, b any) bool {
	if jsonOf(a) == jsonOf(b) {
		return true
	}
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		at, err1 := time.Parse(time.RFC3339Nano, as)
		bt, err2 := time.Parse(time.RFC3339Nano, bs)
		return err1 == nil && err2 == nil && at.Equal(bt)
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			if !sameValue(al[i], bl[i]) {
				return false
			}
		}
		return true
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok && len(am) == len(bm) {
		for k := range am {
			if !sameValue(am[k], bm[k]) {
				return false
			}
		}
		return true
	}
	return false
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestModulesEnableThenRun follows the production setup: `filebeat modules
// enable zoom`, edit modules.d/zoom.yml, start Filebeat.
func TestModulesEnableThenRun(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "modules.d"), 0o755))
	shipped, err := os.ReadFile(filepath.Join(repoRoot(), "modules.d", "zoom.yml.disabled"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "modules.d", "zoom.yml.disabled"), shipped, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte(`
filebeat.config.modules:
  path: ${path.config}/modules.d/*.yml
`+fileOutputConfig()), 0o600))

	out, err := exec.Command(binary, "modules", "enable", "zoom", "--path.home", repoRoot(), "--path.config", dir, "-c", filepath.Join(dir, "filebeat.yml")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "Enabled zoom")
	enabled, err := os.ReadFile(filepath.Join(dir, "modules.d", "zoom.yml"))
	require.NoError(t, err, "modules enable renames zoom.yml.disabled")

	port := freePort(t)
	enabled = bytes.Replace(enabled, []byte("#var.listen_port: 8181"), []byte("var.listen_port: "+itoa(port)), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "modules.d", "zoom.yml"), enabled, 0o600))

	fb, url := startArgs(t, dir, []string{"ZOOM_SECRET_TOKEN=" + secret}, "--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data"), "--path.logs", filepath.Join(dir, "logs"))
	assert.Equal(t, fmt.Sprintf("http://localhost:%d/zoom", port), strings.Replace(url, "127.0.0.1", "localhost", 1))
	resp, err := (&zoomsim.Sender{URL: url, Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status, "%s", resp.Body)
	require.Len(t, fb.docs(), 1)
	assert.Equal(t, "meeting.started", get(fb.docs()[0], "event.action"))
	code, _ := fb.stop()
	assert.Equal(t, 0, code)

	// Without the secret the module refuses to start, and says why.
	cmd := exec.Command(binary, "-e", "--path.home", repoRoot(), "--path.config", dir, "--path.data", filepath.Join(dir, "data2"), "-c", filepath.Join(dir, "filebeat.yml"))
	cmd.Env = withoutEnv(os.Environ(), "ZOOM_SECRET_TOKEN")
	out, err = cmd.CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "%s", out)
	assert.Equal(t, 1, exitErr.ExitCode())
	assert.Contains(t, string(out), "zoom_webhook input: secret_token is required")
}

func withoutEnv(env []string, key string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, key+"=") {
			out = append(out, e)
		}
	}
	return out
}

// exportTemplate is what `filebeat export template` prints.
func exportTemplate(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("output.file.path: "+dir+"\n"), 0o600))
	out, err := exec.Command(binary, "export", "template", "--path.home", repoRoot(), "--path.config", dir, "-c", filepath.Join(dir, "filebeat.yml")).Output()
	require.NoError(t, err)
	return out
}

// TestExportTemplateHasZoomFields checks that the Elasticsearch template the
// binary exports declares the zoom fields with their types.
func TestExportTemplateHasZoomFields(t *testing.T) {
	index, err := indexcheck.FromTemplate(exportTemplate(t))
	require.NoError(t, err)
	for path, want := range map[string]string{
		"zoom.meeting.id":                          "keyword",
		"zoom.old_values":                          "flattened",
		"zoom.settings":                            "flattened",
		"zoom.meeting.start_time":                  "date",
		"zoom.recording.recording_files":           "nested",
		"zoom.recording.recording_files.file_size": "long",
		"zoom.participant.public_ip":               "ip",
		"zoom.user.use_pmi":                        "boolean",
		"user.target.email":                        "keyword",
		"source.ip":                                "ip",
		"zoom.overflow":                            "object",
	} {
		assert.Equal(t, want, index.Type(path), path)
	}
}
