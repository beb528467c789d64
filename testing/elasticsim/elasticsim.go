// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Package elasticsim is a stand-in for the part of Elasticsearch's HTTP API
// that libbeat's Elasticsearch output uses, so that tests and mage bench run
// the real output (its presets, batching, gzip and retries) with no cluster:
//   - GET / answers the cluster's name and version (the output refuses a
//     cluster older than the Beat);
//   - GET /_license answers an active basic license (libbeat's licenser asks
//     on connect);
//   - POST /_bulk (and /<index>/_bulk) reads the NDJSON body, gzip or not,
//     and answers each action with its item result, 201;
//   - anything else (the index template and ILM policy that a standalone
//     Beat loads on connect) is answered 200 with {}, as if it existed.
package elasticsim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/version"
)

// Server is a running stand-in.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	docs    []json.RawMessage
	ids     map[string]int // documents by the _id of their action
	bulks   []Bulk
	paths   map[string]int // other requests by "METHOD path"
	version string
	delay   time.Duration // how long each _bulk takes to answer
}

// SetBulkDelay makes every _bulk answer after d, as a loaded cluster does:
// an output that slow holds the queue full.
func (s *Server) SetBulkDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Bulk is one _bulk request as it arrived.
type Bulk struct {
	At         time.Time
	Items      int
	Compressed bool
}

// New starts a stand-in that reports the version of the Beat built with it.
func New() *Server {
	s := &Server{paths: map[string]int{}, ids: map[string]int{}, version: strings.SplitN(version.GetDefaultVersion(), "-", 2)[0]}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Docs are the documents indexed so far, in order.
func (s *Server) Docs() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.docs...)
}

// IDs counts the documents indexed so far by the _id of their action (the
// Beat's @metadata._id).
func (s *Server) IDs() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.ids))
	for k, v := range s.ids {
		out[k] = v
	}
	return out
}

// Bulks are the _bulk requests so far, in order.
func (s *Server) Bulks() []Bulk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Bulk(nil), s.bulks...)
}

// Requests counts the other requests, by "METHOD path".
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.paths))
	for k, v := range s.paths {
		out[k] = v
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	switch {
	case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeJSON(w, http.StatusOK, map[string]any{
			"name": "elasticsim", "cluster_name": "elasticsim", "cluster_uuid": "elasticsim-cluster-uuid",
			"version": map[string]any{"number": s.version, "build_flavor": "default"}, "tagline": "You Know, for Search",
		})
	case r.URL.Path == "/_license":
		writeJSON(w, http.StatusOK, map[string]any{"license": map[string]any{
			"uid": "elasticsim-license", "type": "basic", "status": "active", "mode": "basic",
		}})
	case r.Method == http.MethodPost && (r.URL.Path == "/_bulk" || strings.HasSuffix(r.URL.Path, "/_bulk")):
		s.bulk(w, r)
	default:
		s.mu.Lock()
		s.paths[r.Method+" "+r.URL.Path]++
		s.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, http.StatusOK, map[string]any{})
	}
}

// bulk answers a _bulk request: each action line (create, index) is followed
// by its document; each gets an item result of the same action.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	time.Sleep(delay)
	var body io.Reader = r.Body
	compressed := r.Header.Get("Content-Encoding") == "gzip"
	if compressed {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		body = zr
	}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	var items []map[string]any
	var docs []json.RawMessage
	var ids []string
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var action map[string]map[string]any
		if err := json.Unmarshal(line, &action); err != nil || len(action) != 1 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("malformed action line %q", line)})
			return
		}
		for op, meta := range action {
			if !sc.Scan() {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "action without a document"})
				return
			}
			docs = append(docs, json.RawMessage(bytes.Clone(sc.Bytes())))
			if id, ok := meta["_id"].(string); ok {
				ids = append(ids, id)
			}
			items = append(items, map[string]any{op: map[string]any{
				"_index": meta["_index"], "_id": meta["_id"], "status": http.StatusCreated, "result": "created",
			}})
		}
	}
	if err := sc.Err(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	s.mu.Lock()
	s.docs = append(s.docs, docs...)
	for _, id := range ids {
		s.ids[id]++
	}
	s.bulks = append(s.bulks, Bulk{At: time.Now(), Items: len(items), Compressed: compressed})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"took": 1, "errors": false, "items": items})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
