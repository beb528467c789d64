// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Command floor is the benchmark's floor: the least an HTTP endpoint can do
// for a webhook on this machine. It reads the body, checks that it is JSON,
// appends it to a file and answers 200: no signature, no mapping, no queue.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	out := flag.String("out", "floor.ndjson", "output file")
	flag.Parse()
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex
	w := bufio.NewWriterSize(f, 64<<10)
	http.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !json.Valid(body) {
			http.Error(rw, `{"message":"bad body"}`, http.StatusBadRequest)
			return
		}
		mu.Lock()
		w.Write(body)
		w.WriteByte('\n')
		err = w.Flush() // on disk (page cache) before the 200, like Filebeat's file output
		mu.Unlock()
		if err != nil {
			http.Error(rw, `{"message":"write failed"}`, http.StatusInternalServerError)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.Write([]byte(`{"message":"ok"}`))
	})
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
