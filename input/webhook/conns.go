// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"crypto/tls"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// connLimiter caps the connections served at once (max_connections). At the
// cap, a new connection closes the connection that has been idle the
// longest (a keep-alive connection between requests, or one that has not
// sent a request yet) to make room; only when every connection is busy with
// a request does it wait. A cap filled with idle keep-alive connections once
// made Zoom's requests wait in the accept queue past Zoom's 3 s timeout.
//
// golang.org/x/net/netutil.LimitListener only waits; it cannot see which
// connections are idle, which the HTTP server reports through ConnState.
type connLimiter struct {
	net.Listener
	max int
	now func() time.Time

	mu     sync.Mutex
	freed  *sync.Cond // signaled when a connection leaves
	conns  map[*limitedConn]*connActivity
	closed bool

	evicted func() // metrics
}

// connActivity is what the limiter knows of a connection.
type connActivity struct {
	busy      bool      // serving a request
	idleSince time.Time // when it last became idle (or was accepted)
}

func newConnLimiter(ln net.Listener, max int, evicted func()) *connLimiter {
	l := &connLimiter{Listener: ln, max: max, now: time.Now, conns: map[*limitedConn]*connActivity{}, evicted: evicted}
	l.freed = sync.NewCond(&l.mu)
	return l
}

// Accept takes the next connection from the kernel, then makes room for it.
func (l *connLimiter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.conns) >= l.max && !l.closed {
		if victim := l.longestIdle(l.now().Add(-minIdleToEvict)); victim != nil {
			delete(l.conns, victim)
			_ = victim.Conn.Close() // its server goroutine sees the close and ends
			if l.evicted != nil {
				l.evicted()
			}
			continue
		}
		// Wait for a connection to close, or for an idle one to age past
		// minIdleToEvict.
		wake := time.AfterFunc(minIdleToEvict/4, func() {
			l.mu.Lock()
			l.freed.Broadcast()
			l.mu.Unlock()
		})
		l.freed.Wait()
		wake.Stop()
	}
	if l.closed {
		_ = c.Close()
		return nil, net.ErrClosed
	}
	lc := &limitedConn{Conn: c, l: l}
	l.conns[lc] = &connActivity{idleSince: l.now()}
	return lc, nil
}

// minIdleToEvict spares connections that became idle (or were accepted)
// just now: a keep-alive client is likely about to send its next request on
// one, and a new connection has not had the time to send its first. Closing
// them would fail those requests; an idle flood is older than this.
const minIdleToEvict = 250 * time.Millisecond

// longestIdle is the connection idle the longest since before cutoff, or nil.
func (l *connLimiter) longestIdle(cutoff time.Time) *limitedConn {
	var victim *limitedConn
	var since time.Time
	for c, a := range l.conns {
		if !a.busy && a.idleSince.Before(cutoff) && (victim == nil || a.idleSince.Before(since)) {
			victim, since = c, a.idleSince
		}
	}
	return victim
}

// Close closes the listener and wakes an Accept waiting for room.
func (l *connLimiter) Close() error {
	l.mu.Lock()
	l.closed = true
	l.freed.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

// connState is the server's ConnState hook: it follows each connection
// between busy (a request is being read or answered) and idle.
func (l *connLimiter) connState(c net.Conn, state fasthttp.ConnState) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if gc, ok := c.(*lingerConn); ok {
		c = gc.Conn
	}
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	switch state {
	case fasthttp.StateActive, fasthttp.StateIdle:
		l.mu.Lock()
		if a, ok := l.conns[lc]; ok {
			a.busy = state == fasthttp.StateActive
			if !a.busy {
				a.idleSince = l.now()
			}
		}
		l.mu.Unlock()
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		lc.release()
	}
}

// limitedConn is a connection that gives its place back when it closes.
type limitedConn struct {
	net.Conn
	l    *connLimiter
	once sync.Once
}

func (c *limitedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

func (c *limitedConn) release() {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.freed.Signal()
		c.l.mu.Unlock()
	})
}
