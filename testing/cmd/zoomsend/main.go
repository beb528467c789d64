// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

// Command zoomsend sends a signed Zoom webhook notification to a zoombeat
// listener, as Zoom would: `go run ./testing/cmd/zoomsend [file.json]`.
// With -validate it sends Zoom's endpoint.url_validation challenge instead
// and checks the answer.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/zoombeat/zoombeat/internal/contract"
	"github.com/zoombeat/zoombeat/testing/zoomsim"
)

func main() {
	url := flag.String("url", "http://localhost:8181/zoom", "the listener's URL")
	secret := flag.String("secret", envOr("ZOOM_SECRET_TOKEN", contract.DevelopmentSecret), "the Zoom app's Secret Token (default: $ZOOM_SECRET_TOKEN or the development secret)")
	validate := flag.Bool("validate", false, "send the endpoint.url_validation challenge")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: zoomsend [flags] [notification.json]  (default file: testing/webhook/meeting/meeting.started.json, - for stdin)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*url, *secret, *validate, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "zoomsend:", err)
		os.Exit(1)
	}
}

func run(url, secret string, validate bool, file string) error {
	var body []byte
	var err error
	switch {
	case validate:
		body = zoomsim.ValidationBody("zoomsend-"+fmt.Sprint(time.Now().Unix()), time.Now())
	case file == "-":
		body, err = io.ReadAll(os.Stdin)
	default:
		if file == "" {
			file = "testing/webhook/meeting/meeting.started.json"
		}
		body, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	s := &zoomsim.Sender{URL: url, Secret: secret}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := s.Send(ctx, body)
	if err != nil {
		return err
	}
	fmt.Printf("%d %s\n", resp.Status, resp.Body)
	if validate {
		var got struct{ PlainToken, EncryptedToken string }
		_ = json.Unmarshal(resp.Body, &got)
		var sent struct{ Payload struct{ PlainToken string } }
		_ = json.Unmarshal(body, &sent)
		if got.EncryptedToken != zoomsim.EncryptedToken(secret, sent.Payload.PlainToken) {
			return fmt.Errorf("the answer would fail Zoom's URL validation")
		}
		fmt.Println("URL validation answer is correct")
	}
	if resp.Status != 200 && resp.Status != 204 {
		return fmt.Errorf("Zoom would retry this delivery (status %d)", resp.Status)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
