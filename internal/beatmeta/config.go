// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package beatmeta

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/elastic/beats/v7/libbeat/version"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/internal/release"
)

// configs are the configuration files rendered from _meta/config, each from
// the template of the same name with .tmpl added; the other templates there
// hold the blocks they share.
var configs = []string{"filebeat.yml", "filebeat.reference.yml"}

// configFiles renders the configuration files.
func configFiles(root string) (map[string][]byte, error) {
	module, err := os.ReadFile(filepath.Join(root, "module", "zoom", "_meta", "config.reference.yml"))
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("").Option("missingkey=error").
		Funcs(template.FuncMap{"comment": comment}).
		ParseGlob(filepath.Join(root, "_meta", "config", "*.tmpl"))
	if err != nil {
		return nil, err
	}
	data := map[string]string{
		"Version":           release.Version,
		"FilebeatVersion":   version.GetDefaultVersion(),
		"ModuleConfig":      string(module),
		"DevelopmentSecret": contract.DevelopmentSecret,
	}
	out := map[string][]byte{}
	for _, name := range configs {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name+".tmpl", data); err != nil {
			return nil, err
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// comment comments out a YAML text as Beats' reference configurations do:
// a '#' goes after the indentation of each line that is not a comment yet,
// so that uncommenting a line (removing its '#') keeps its indentation.
func comment(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		body := strings.TrimLeft(l, " ")
		if body == "" || strings.HasPrefix(body, "#") {
			continue
		}
		lines[i] = l[:len(l)-len(body)] + "#" + body
	}
	return strings.Join(lines, "\n")
}
