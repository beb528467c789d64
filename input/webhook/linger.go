// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"crypto/tls"
	"io"
	"net"
	"sync/atomic"
	"time"
)

// lingerOf finds the lingerConn under a connection the server holds (under
// TLS, if any), or nil.
func lingerOf(c net.Conn) *lingerConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, _ := c.(*lingerConn)
	return lc
}

const (
	// A client still sending after the answer may send this much more, for
	// this long, before the connection is cut.
	drainTime  = time.Second
	drainBytes = 256 << 10
)

// lingerListener gives each connection it accepts a graceful close, taken
// when closeAfterAnswer asks for it. Only then: closing every connection so
// would make the server wait for each idle connection's client on shutdown.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c}, nil
}

// lingerConn is an accepted connection (under TLS, if any, and over the
// connection limiter's, whose place it holds until it is closed).
type lingerConn struct {
	net.Conn
	linger atomic.Bool
}

// Close, after closeAfterAnswer, sends the end of the stream after the
// answer (the client reads the answer whole, and a TLS close_notify before
// it), then reads and drops what the client still sends, until it closes
// its end, for at most drainBytes and drainTime, then closes.
func (c *lingerConn) Close() error {
	if c.linger.Load() {
		conn := c.Conn
		if lc, ok := conn.(*limitedConn); ok {
			lc.headersRead() // the drain has its own deadline
			conn = lc.Conn
		}
		if cw, ok := conn.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_ = c.Conn.SetReadDeadline(time.Now().Add(drainTime))
		_, _ = io.CopyN(io.Discard, c.Conn, drainBytes)
	}
	return c.Conn.Close()
}
