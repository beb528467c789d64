// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	protobuf "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"gopkg.in/yaml.v3"

	"github.com/elastic/elastic-agent-client/v7/pkg/client/mock"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"
	"github.com/elastic/elastic-agent-libs/testing/certutil"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/packages"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

// agentStub plays Elastic Agent with the stub server of its own client
// library, over the real gRPC protocol: it hands the binary the units it
// holds and records the states the binary reports for them.
type agentStub struct {
	server *mock.StubServerV2

	mu       sync.Mutex
	units    []*proto.UnitExpected
	observed map[string]*proto.UnitObserved // by unit id
	tokens   map[string]bool                // the tokens check-ins carried
	opts     []grpc.ServerOption
}

func newAgentStub(t *testing.T, units ...*proto.UnitExpected) *agentStub {
	t.Helper()
	return newAgentStubWith(t, nil, units...)
}

// newAgentStubWith starts the stub with gRPC server options (TLS).
func newAgentStubWith(t *testing.T, opts []grpc.ServerOption, units ...*proto.UnitExpected) *agentStub {
	t.Helper()
	a := &agentStub{units: units, observed: map[string]*proto.UnitObserved{}, tokens: map[string]bool{}, opts: opts}
	a.server = &mock.StubServerV2{
		CheckinV2Impl: func(observed *proto.CheckinObserved) *proto.CheckinExpected {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.tokens[observed.GetToken()] = true
			for _, u := range observed.GetUnits() {
				a.observed[u.GetId()] = u
			}
			return &proto.CheckinExpected{
				AgentInfo: &proto.AgentInfo{Id: "agent-e2e-0001", Version: "9.3.0"},
				Units:     a.units,
			}
		},
		ActionImpl: func(*proto.ActionResponse) error { return nil },
	}
	require.NoError(t, a.server.Start(opts...))
	t.Cleanup(a.server.Stop)
	return a
}

// state is the last state the binary reported for a unit, with its message.
func (a *agentStub) state(id string) (proto.State, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.observed[id]
	if !ok {
		return -1, ""
	}
	return u.GetState(), u.GetMessage()
}

func (a *agentStub) waitState(t *testing.T, id string, want proto.State) {
	t.Helper()
	require.Eventually(t, func() bool { s, _ := a.state(id); return s == want }, 30*time.Second, 50*time.Millisecond,
		"unit %s never became %v", id, want)
}

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	require.NoError(t, err)
	return s
}

// policyStream renders a data stream's stream template as Fleet does for a
// policy: the package's defaults, with the policy's vars over them.
func policyStream(t *testing.T, dataStream string, vars map[string]any) map[string]any {
	t.Helper()
	all := packages.StreamDefaults(dataStream)
	for k, v := range vars {
		all[k] = v
	}
	out, err := packages.RenderStream(repoRoot(), dataStream, all)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(out, &m), "%s", out)
	return m
}

// webhookStream is the webhook stream of a policy that sets the listener,
// the Secret Token and the tags, and vars.
func webhookStream(t *testing.T, port int, vars ...map[string]any) map[string]any {
	t.Helper()
	all := map[string]any{"listen_address": "127.0.0.1", "listen_port": port, "secret_token": secret, "tags": []any{"zoom-webhook"}}
	for _, v := range vars {
		for k, val := range v {
			all[k] = val
		}
	}
	return policyStream(t, "webhook", all)
}

func webhookUnit(t *testing.T, port int, vars ...map[string]any) *proto.UnitExpected {
	return policyUnit(t, contract.WebhookInput, "webhook", webhookStream(t, port, vars...))
}

// policyUnit is the input unit Fleet sends for one stream of a policy.
func policyUnit(t *testing.T, input, dataStream string, stream map[string]any) *proto.UnitExpected {
	return &proto.UnitExpected{
		Id: input + "-zoombeat-policy1", Type: proto.UnitType_INPUT, ConfigStateIdx: 1,
		State: proto.State_HEALTHY, LogLevel: proto.UnitLogLevel_INFO,
		Config: &proto.UnitExpectedConfig{
			Id: input + "-zoombeat-policy1", Type: input, Name: "zoombeat-1",
			DataStream: &proto.DataStream{Namespace: "default"},
			Streams: []*proto.Stream{{
				Id:         input + "-zoombeat." + dataStream + "-policy1",
				DataStream: &proto.DataStream{Dataset: "zoombeat." + dataStream, Type: "logs"},
				Source:     mustStruct(t, stream),
			}},
		},
	}
}

func fileOutputUnit(t *testing.T, dir string) *proto.UnitExpected {
	return &proto.UnitExpected{
		Id: "output-file", Type: proto.UnitType_OUTPUT, ConfigStateIdx: 1,
		State: proto.State_HEALTHY, LogLevel: proto.UnitLogLevel_INFO,
		Config: &proto.UnitExpectedConfig{
			Id: "default", Type: "file", Name: "file",
			// Under the Agent the queue is the output's: flush.timeout 0s
			// acknowledges a lone webhook at once (README, "Delivery
			// guarantee").
			Source: mustStruct(t, map[string]any{"type": "file", "path": filepath.Join(dir, "data", "out"), "filename": "zoom",
				"queue": map[string]any{"mem": map[string]any{"flush": map[string]any{"timeout": "0s"}}}}),
		},
	}
}

// TestManagedByElasticAgent runs the binary as an Agent runs it
// (management.enabled) against the Agent's stub server: a file output unit
// and a zoom_webhook unit rendered from the package's template. The unit
// turns healthy, a signed webhook is answered 200, and its document carries
// the data stream's fields, the Agent's id and the zoom mapping.
func TestManagedByElasticAgent(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	agent := newAgentStub(t, fileOutputUnit(t, dir), webhookUnit(t, port))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("logging.level: info\n"), 0o600))
	fb, _ := startUntil(t, dir, nil, listening,
		"--path.home", dir, "-E", "management.enabled=true",
		"-E", fmt.Sprintf("management.insecure_grpc_url_for_testing=localhost:%d", agent.server.Port))
	agent.waitState(t, "zoom_webhook-zoombeat-policy1", proto.State_HEALTHY)
	agent.waitState(t, "output-file", proto.State_HEALTHY)

	url := fmt.Sprintf("http://127.0.0.1:%d/zoom", port)
	resp, err := (&zoomsim.Sender{URL: url, Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)

	var doc map[string]any
	require.Eventually(t, func() bool {
		docs := fb.docs()
		if len(docs) == 1 {
			doc = docs[0]
		}
		return doc != nil
	}, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, "zoombeat.webhook", get(doc, "data_stream.dataset"))
	assert.Equal(t, "logs", get(doc, "data_stream.type"))
	assert.Equal(t, "default", get(doc, "data_stream.namespace"))
	assert.Equal(t, "zoombeat.webhook", get(doc, "event.dataset"), "event.dataset follows the data stream")
	assert.Equal(t, "agent-e2e-0001", get(doc, "elastic_agent.id"))
	assert.Equal(t, "zoom_webhook-zoombeat-policy1", get(doc, "@metadata.input_id"))
	assert.Equal(t, "zoom_webhook-zoombeat.webhook-policy1", get(doc, "@metadata.stream_id"))
	assert.Equal(t, contract.DeliveryID(sample(t)), get(doc, "@metadata._id"))
	assert.Equal(t, "meeting.started", get(doc, "event.action"), "the zoom processor mapped it")
	assert.NotNil(t, get(doc, "zoom.meeting.id"))
	code, _ := fb.stop()
	assert.Equal(t, 0, code, "the Agent's stop (SIGTERM) ends the process cleanly")
}

// setUnits replaces the units the stub hands out (a new policy). The stub
// answers check-ins only, and the Beat checks in every 30 s when nothing
// changes; a real Agent pushes. Restarting the stub on its port makes the
// Beat reconnect and check in at once.
func (a *agentStub) setUnits(t *testing.T, units ...*proto.UnitExpected) {
	t.Helper()
	a.mu.Lock()
	a.units = units
	a.mu.Unlock()
	a.server.Stop()
	require.Eventually(t, func() bool { return a.server.Start(a.opts...) == nil }, 5*time.Second, 50*time.Millisecond)
}

func listeningOn(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// TestManagedPolicyChanges: a new port moves the listener without a restart
// of the process, a unit whose config zoombeat refuses fails alone with the
// reason while the other stays healthy, and a removed unit closes its
// listener.
func TestManagedPolicyChanges(t *testing.T) {
	dir := t.TempDir()
	port, port2 := freePort(t), freePort(t)
	out := fileOutputUnit(t, dir)
	first := webhookUnit(t, port)
	agent := newAgentStub(t, out, first)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("logging.level: info\n"), 0o600))
	fb, _ := startUntil(t, dir, nil, listening,
		"--path.home", dir, "-E", "management.enabled=true",
		"-E", fmt.Sprintf("management.insecure_grpc_url_for_testing=localhost:%d", agent.server.Port))
	agent.waitState(t, first.Id, proto.State_HEALTHY)
	pid := fb.cmd.Process.Pid

	// The port changes: the old listener closes, the new one opens.
	moved := webhookUnit(t, port2)
	moved.ConfigStateIdx = 2
	agent.setUnits(t, out, moved)
	require.Eventually(t, func() bool { return listeningOn(port2) && !listeningOn(port) }, 20*time.Second, 100*time.Millisecond, "the listener moved")
	agent.waitState(t, moved.Id, proto.State_HEALTHY)
	resp, err := (&zoomsim.Sender{URL: fmt.Sprintf("http://127.0.0.1:%d/zoom", port2), Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)

	// A second unit whose config the input refuses (no secret_token) fails
	// alone, with the reason; the first stays healthy and listening.
	badStream := webhookStream(t, freePort(t))
	delete(badStream, "secret_token")
	bad := webhookUnit(t, 0)
	bad.Id, bad.Config.Id = "zoom_webhook-broken", "zoom_webhook-broken"
	bad.Config.Streams[0].Id = "zoom_webhook-broken-stream"
	bad.Config.Streams[0].Source = mustStruct(t, badStream)
	// A unit of a type zoombeat does not run (a hand-written policy) fails
	// alone too, naming the types zoombeat runs.
	foreign := webhookUnit(t, 0)
	foreign.Id, foreign.Config.Id, foreign.Config.Type = "filestream-foreign", "filestream-foreign", "filestream"
	foreign.Config.Streams[0].Id = "filestream-foreign-stream"
	foreign.Config.Streams[0].Source = mustStruct(t, map[string]any{"paths": []any{filepath.Join(dir, "*.log")}})
	agent.setUnits(t, out, moved, bad, foreign)
	agent.waitState(t, bad.Id, proto.State_FAILED)
	agent.waitState(t, foreign.Id, proto.State_FAILED)
	_, msg := agent.state(bad.Id)
	assert.Contains(t, msg, "secret_token is required")
	_, msg = agent.state(foreign.Id)
	assert.Contains(t, msg, `"filestream", which zoombeat does not run: it runs zoom_webhook, zoom_reports, zoom_websocket`)
	s, m := agent.state(moved.Id)
	assert.Equal(t, proto.State_HEALTHY, s, m)
	assert.True(t, listeningOn(port2))
	resp, err = (&zoomsim.Sender{URL: fmt.Sprintf("http://127.0.0.1:%d/zoom", port2), Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status, "the healthy unit still serves")

	// The units are removed as the Agent removes them: expected STOPPED
	// first, then gone. The listener closes; the process stays.
	moved.State, bad.State, foreign.State = proto.State_STOPPED, proto.State_STOPPED, proto.State_STOPPED
	agent.setUnits(t, out, moved, bad, foreign)
	agent.waitState(t, moved.Id, proto.State_STOPPED)
	require.Eventually(t, func() bool { return !listeningOn(port2) }, 20*time.Second, 100*time.Millisecond, "the removed unit's listener closed")
	agent.setUnits(t, out)
	assert.Equal(t, pid, fb.cmd.Process.Pid)
	assert.Nil(t, fb.cmd.ProcessState, "no restart of the process")
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// reportsUnit is a zoom_reports unit with the package's activities stream,
// rendered with the policy's vars.
func reportsUnit(t *testing.T, server *zoomsim.ReportServer, secret string) *proto.UnitExpected {
	t.Helper()
	return policyUnit(t, contract.ReportsInput, "activities", policyStream(t, "activities", map[string]any{
		"account_id": "acct-e2e", "client_id": "client-e2e", "client_secret": secret,
		"api_url": server.URL() + "/v2", "oauth_url": server.URL() + "/oauth/token",
		"interval": "1s", "page_size": 4, "tags": []any{"zoom-reports"},
	}))
}

// TestManagedReports: a zoom_reports unit polls the Zoom stand-in and its
// entries arrive in the data stream; with credentials Zoom refuses, that
// unit turns FAILED with Zoom's reason while the webhook unit stays healthy.
func TestManagedReports(t *testing.T) {
	server := reportsServer(t)
	dir := t.TempDir()
	port := freePort(t)
	out, hook := fileOutputUnit(t, dir), webhookUnit(t, port)
	reportsOK := reportsUnit(t, server, "secret-e2e")
	agent := newAgentStub(t, out, hook, reportsOK)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("logging.level: info\n"), 0o600))
	fb, _ := startUntil(t, dir, nil, listening,
		"--path.home", dir, "-E", "management.enabled=true",
		"-E", fmt.Sprintf("management.insecure_grpc_url_for_testing=localhost:%d", agent.server.Port))
	agent.waitState(t, reportsOK.Id, proto.State_HEALTHY)
	require.Eventually(t, func() bool { return len(fb.docs()) >= 5 }, 30*time.Second, 100*time.Millisecond, "the 5 activity entries")
	for _, doc := range fb.docs() {
		assert.Equal(t, "zoombeat.activities", get(doc, "data_stream.dataset"))
		assert.Equal(t, "zoombeat.activities", get(doc, "event.dataset"))
		assert.Equal(t, "zoom_reports-zoombeat-policy1", get(doc, "@metadata.input_id"))
		assert.Contains(t, []any{"user.signed_in", "user.signed_out"}, get(doc, "event.action"))
	}

	wrong := reportsUnit(t, server, "wrong-secret")
	wrong.ConfigStateIdx = 2
	agent.setUnits(t, out, hook, wrong)
	agent.waitState(t, wrong.Id, proto.State_FAILED)
	_, msg := agent.state(wrong.Id)
	assert.Contains(t, msg, "Invalid client_id or client_secret")
	assert.NotContains(t, msg, "wrong-secret")
	s, m := agent.state(hook.Id)
	assert.Equal(t, proto.State_HEALTHY, s, m)
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// TestManagedStartedAsTheAgentStartsIt: the connection info (StartUpInfo) on
// stdin, and the control protocol over mutual TLS with certificates from a
// CA made here, as Elastic Agent starts a component.
func TestManagedStartedAsTheAgentStartsIt(t *testing.T) {
	caKey, caCert, caPair, err := certutil.NewRootCA()
	require.NoError(t, err)
	serverCert, _, err := certutil.GenerateChildCert("localhost", []net.IP{net.ParseIP("127.0.0.1")}, caKey, caCert)
	require.NoError(t, err)
	_, clientPair, err := certutil.GenerateChildCert("zoombeat", nil, caKey, caCert, certutil.WithClientCert(true))
	require.NoError(t, err)
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(caCert)

	dir := t.TempDir()
	port := freePort(t)
	hook := webhookUnit(t, port)
	agent := newAgentStubWith(t, []grpc.ServerOption{grpc.Creds(credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{*serverCert},
		ClientCAs:    clientCAs,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}))}, fileOutputUnit(t, dir), hook)

	info, err := protobuf.Marshal(&proto.StartUpInfo{
		Addr: fmt.Sprintf("127.0.0.1:%d", agent.server.Port), ServerName: "localhost", Token: "token-e2e",
		CaCert: caPair.Cert, PeerCert: clientPair.Cert, PeerKey: clientPair.Key,
		Services:  []proto.ConnInfoServices{proto.ConnInfoServices_CheckinV2},
		AgentInfo: &proto.AgentInfo{Id: "agent-e2e-0001", Version: "9.3.0"},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("logging.level: info\n"), 0o600))
	fb, _ := startWithStdin(t, dir, nil, listening, info, "--path.home", dir, "-E", "management.enabled=true")
	agent.waitState(t, hook.Id, proto.State_HEALTHY)
	agent.mu.Lock()
	assert.True(t, agent.tokens["token-e2e"], "the Beat checks in with the Agent's token")
	agent.mu.Unlock()

	resp, err := (&zoomsim.Sender{URL: fmt.Sprintf("http://127.0.0.1:%d/zoom", port), Secret: secret}).Send(context.Background(), sample(t))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status, "%s", resp.Body)
	code, _ := fb.stop()
	assert.Equal(t, 0, code)
}

// TestManagedPolicyPseudonymizesAndDetects switches on the package's
// pseudonymize and detections vars in a policy: the document of a
// notification that turns the waiting room and passcodes off is marked by
// the rule, and its people's identifiers are pseudonyms.
func TestManagedPolicyPseudonymizesAndDetects(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	agent := newAgentStub(t, fileOutputUnit(t, dir), webhookUnit(t, port, map[string]any{
		"detections":   true,
		"pseudonymize": `{"enabled": true, "key": "e2e-pseudonym-key-0123456789", "keep_domain": true}`,
	}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filebeat.yml"), []byte("logging.level: info\n"), 0o600))
	fb, _ := startUntil(t, dir, nil, listening,
		"--path.home", dir, "-E", "management.enabled=true",
		"-E", fmt.Sprintf("management.insecure_grpc_url_for_testing=localhost:%d", agent.server.Port))
	agent.waitState(t, "zoom_webhook-zoombeat-policy1", proto.State_HEALTHY)

	body, err := os.ReadFile(filepath.Join(repoRoot(), "testing", "webhook", "account", "account.settings_updated.json"))
	require.NoError(t, err)
	resp, err := (&zoomsim.Sender{URL: fmt.Sprintf("http://127.0.0.1:%d/zoom", port), Secret: secret}).Send(context.Background(), body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status, "%s", resp.Body)
	var doc map[string]any
	require.Eventually(t, func() bool {
		if docs := fb.docs(); len(docs) == 1 {
			doc = docs[0]
		}
		return doc != nil
	}, 10*time.Second, 50*time.Millisecond)

	assert.Contains(t, get(doc, "tags"), "detection", "the detections var reached the document")
	assert.Contains(t, get(doc, "rule.name"), "Zoom meeting passcode or waiting room requirement disabled")
	email, _ := get(doc, "user.email").(string)
	assert.NotEqual(t, "it-admin@example.com", email, "the pseudonymize var reached the document")
	assert.True(t, strings.HasSuffix(email, "@example.com"), "keep_domain: %q", email)
	assert.NotContains(t, fmt.Sprint(doc), "it-admin@", "no trace of the operator's address")
	assert.NotContains(t, fmt.Sprint(doc), "z8yBXksRRdKxcqrkQ_8ObQ", "nor of the operator's id")
}
