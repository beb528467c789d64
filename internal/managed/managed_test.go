// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package managed

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"gopkg.in/yaml.v3"

	"github.com/elastic/elastic-agent-client/v7/pkg/client"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"
)

// The spec is version 2 and declares exactly the inputs zoombeat runs, which
// are the input types of the integration package's policy template.
func TestSpecMatchesInputsAndPackage(t *testing.T) {
	var spec struct {
		Version int `yaml:"version"`
		Inputs  []struct {
			Name      string   `yaml:"name"`
			Platforms []string `yaml:"platforms"`
			Outputs   []string `yaml:"outputs"`
			Command   struct {
				Args []string `yaml:"args"`
			} `yaml:"command"`
		} `yaml:"inputs"`
	}
	require.NoError(t, yaml.Unmarshal(Spec, &spec))
	assert.Equal(t, 2, spec.Version)
	var names []string
	for _, in := range spec.Inputs {
		names = append(names, in.Name)
		assert.Contains(t, in.Command.Args, "management.enabled=true", in.Name)
		assert.Contains(t, in.Outputs, "elasticsearch", in.Name)
		assert.Contains(t, in.Platforms, "linux/amd64", in.Name)
	}
	assert.ElementsMatch(t, InputTypes, names)

	b, err := os.ReadFile(filepath.Join("..", "..", "packages", "zoombeat", "manifest.yml"))
	require.NoError(t, err)
	var manifest struct {
		PolicyTemplates []struct {
			Inputs []struct {
				Type string `yaml:"type"`
			} `yaml:"inputs"`
		} `yaml:"policy_templates"`
	}
	require.NoError(t, yaml.Unmarshal(b, &manifest))
	var types []string
	for _, pt := range manifest.PolicyTemplates {
		for _, in := range pt.Inputs {
			if !slices.Contains(types, in.Type) {
				types = append(types, in.Type)
			}
		}
	}
	assert.ElementsMatch(t, names, types, "the spec's inputs are the package's input types")
}

func TestTransformOneInputPerStream(t *testing.T) {
	src := func(m map[string]any) *structpb.Struct {
		s, err := structpb.NewStruct(m)
		require.NoError(t, err)
		return s
	}
	unit := &proto.UnitExpectedConfig{
		Id: "zoom_reports-1", Type: "zoom_reports", Name: "zoombeat-1",
		DataStream: &proto.DataStream{Namespace: "prod"},
		Streams: []*proto.Stream{
			{Id: "s-ops", DataStream: &proto.DataStream{Dataset: "zoombeat.operationlogs"}, Source: src(map[string]any{"reports": []any{"operationlogs"}})},
			{Id: "s-acts", DataStream: &proto.DataStream{Dataset: "zoombeat.activities"}, Source: src(map[string]any{"reports": []any{"activities"}})},
		},
	}
	cfgs, err := Transform(unit, &client.AgentInfo{ID: "agent-1", Version: "9.3.0"})
	require.NoError(t, err)
	require.Len(t, cfgs, 2)
	var first map[string]any
	require.NoError(t, cfgs[0].Config.Unpack(&first))
	assert.Equal(t, "zoom_reports", first["type"])
	assert.Equal(t, "logs-zoombeat.operationlogs-prod", first["index"])
	assert.NotEmpty(t, first["processors"])

	// A unit of a type zoombeat does not run becomes one input of a type no
	// registry knows, named with the reason, so that libbeat fails that unit
	// alone; an error here would stop every unit.
	for _, tc := range []struct{ unitType, streamType, want string }{
		{"filestream", "", `"filestream", which zoombeat does not run: it runs zoom_webhook, zoom_reports, zoom_websocket`},
		{"zoom_reports", "filestream", `"filestream", which zoombeat does not run: it runs zoom_webhook, zoom_reports, zoom_websocket`},
	} {
		unit.Type = tc.unitType
		unit.Streams[1].Source = src(map[string]any{"type": cmp.Or(tc.streamType, tc.unitType)})
		cfgs, err = Transform(unit, nil)
		require.NoError(t, err)
		require.Len(t, cfgs, 1)
		var in map[string]any
		require.NoError(t, cfgs[0].Config.Unpack(&in))
		assert.Equal(t, map[string]any{"id": "zoom_reports-1", "type": tc.want}, in)
	}
}
