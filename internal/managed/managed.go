// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package managed lets Elastic Agent run zoombeat: it registers the Agent's
// control-protocol client (x-pack/libbeat/management, the one package from
// beats' x-pack that zoombeat links) and turns the Agent's input units into
// zoombeat's inputs.
package managed

import (
	"fmt"
	"slices"
	"strings"

	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/x-pack/libbeat/management"
	"github.com/elastic/elastic-agent-client/v7/pkg/client"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"

	"github.com/zoombeat/zoombeat/internal/contract"
)

// InputTypes are the input types zoombeat runs for an Agent: the names its
// component spec declares and its integration package's streams use.
var InputTypes = []string{contract.WebhookInput, contract.ReportsInput, contract.WebSocketInput}

// Register makes the Agent's input units become zoombeat's inputs. Call it
// before the Beat starts (x-pack Filebeat does it in its root command's
// PersistentPreRun); the manager itself registers when this package is
// linked, and runs only with management.enabled.
func Register() {
	management.ConfigTransform.SetTransform(Transform)
}

// Transform turns one input unit into Filebeat inputs, one per stream, each
// with the stream's config and what a data stream needs: data_stream.*,
// event.dataset, the index logs-<dataset>-<namespace>, @metadata.input_id and
// stream_id, and the Agent's id (libbeat's management code adds all of it).
// The mapping comes with the stream, from the integration package's
// template: the webhook input's mapping option, the zoom processor for the
// reports.
//
// A unit of a type zoombeat does not run fails alone, naming the types it
// runs, and the other units go on. It is not refused here: libbeat's manager
// treats a transform error as fatal to the whole reload, so every input unit
// would stop. Instead the unit becomes an input whose type no input registry
// knows, and whose type name says why; libbeat then fails that unit only, as
// it does for any input that cannot be created. The Agent sends no such unit
// (the component spec declares only zoombeat's inputs), but a hand-written
// policy can.
func Transform(unit *proto.UnitExpectedConfig, agent *client.AgentInfo) ([]*reload.ConfigWithMeta, error) {
	if !slices.Contains(InputTypes, unit.GetType()) {
		return refused(unit, unit.GetType())
	}
	inputs, err := management.CreateInputsFromStreams(unit, "logs", agent)
	if err != nil {
		return nil, fmt.Errorf("input unit %s: %w", unit.GetId(), err)
	}
	for _, in := range inputs {
		if _, ok := in["type"]; !ok {
			in["type"] = unit.GetType()
		}
		if in["type"] != unit.GetType() {
			return refused(unit, fmt.Sprint(in["type"]))
		}
	}
	return management.CreateReloadConfigFromInputs(inputs)
}

// refused is the one input that fails a unit of a type zoombeat does not run.
// Its type is the reason, as libbeat's message for an unknown input type
// names the type and nothing else.
func refused(unit *proto.UnitExpectedConfig, typ string) ([]*reload.ConfigWithMeta, error) {
	return management.CreateReloadConfigFromInputs([]map[string]any{{
		"id":   unit.GetId(),
		"type": fmt.Sprintf("%q, which zoombeat does not run: it runs %s", typ, strings.Join(InputTypes, ", ")),
	}})
}
