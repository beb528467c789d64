// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// connLimiter admits connections: only from allowed_networks (when set), at
// most max_connections_per_source from one source address, and at most
// max_connections in all (0: no cap, no share). A source at its share makes
// room from its own idle connections, or its new connection is closed; the
// others' places are not its to take.
//
// At max_connections a new connection makes room, in this order, from:
//  1. the connection idle the longest between requests (a keep-alive
//     connection that served a request and has waited minIdleToEvict);
//  2. the oldest connection that has sent nothing within newConnGrace of its
//     accept (a TLS handshake and the first bytes of a sender far away take
//     less), from the source holding the most connections first;
//  3. the connection busy the longest, for at least newConnGrace, of the
//     source holding more than an even share of the cap (max_connections /
//     sources, the newcomer's counted): slow requests from a crowding source.
//
// Only when none of these exists does it wait. A cap filled with idle
// keep-alive connections, or with slow requests from one source, once made
// Zoom's requests wait in the accept queue past Zoom's 3 s timeout.
//
// golang.org/x/net/netutil.LimitListener only waits; it cannot see which
// connections are idle, which the HTTP server reports through ConnState,
// nor where they come from.
type connLimiter struct {
	net.Listener
	max, perSource int
	allowed        []netip.Prefix
	headerTimeout  time.Duration
	now            func() time.Time

	mu      sync.Mutex
	freed   *sync.Cond // signaled when a connection leaves
	conns   map[*limitedConn]*connActivity
	sources map[netip.Addr]int // connections by source address
	closed  bool

	evicted func() // metrics: a connection closed to make room
	refused func() // metrics: a new connection closed (network, share)
}

// connActivity is what the limiter knows of a connection.
type connActivity struct {
	source netip.Addr
	busy   bool      // serving a request
	served bool      // has answered a request
	since  time.Time // when it was accepted, or became busy or idle
}

func newConnLimiter(ln net.Listener, cfg config, evicted, refused func()) *connLimiter {
	allowed, _ := parseNetworks(cfg.AllowedNetworks) // validated
	for _, f := range []*func(){&evicted, &refused} {
		if *f == nil {
			*f = func() {}
		}
	}
	l := &connLimiter{
		Listener: ln, max: cfg.MaxConnections, perSource: cfg.MaxConnectionsPerSource, allowed: allowed,
		headerTimeout: min(cfg.HeaderTimeout, cfg.ReadTimeout), now: time.Now,
		conns: map[*limitedConn]*connActivity{}, sources: map[netip.Addr]int{}, evicted: evicted, refused: refused,
	}
	if l.max > 0 && l.perSource >= l.max {
		l.perSource = 0 // a share of the whole cap is the cap: makeRoom serves it
	}
	l.freed = sync.NewCond(&l.mu)
	return l
}

// Accept takes the next connection from the kernel that may be admitted,
// then makes room for it.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc, ok := l.admit(c); ok {
			return lc, nil
		} else if l.isClosed() {
			return nil, net.ErrClosed
		}
	}
}

func (l *connLimiter) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// minIdleToEvict spares keep-alive connections that became idle just now:
// their client is likely about to send its next request. Closing them would
// fail those requests; an idle flood is older than this.
const minIdleToEvict = 250 * time.Millisecond

// newConnGrace is the time a new connection has for its TLS handshake and
// first request before it may be closed to make room, and that a request
// may take before it counts as slow.
const newConnGrace = time.Second

func (l *connLimiter) admit(c net.Conn) (*limitedConn, bool) {
	src := addrOf(c.RemoteAddr())
	if len(l.allowed) > 0 && !l.allows(src) {
		_ = c.Close()
		l.refused()
		return nil, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perSource > 0 && l.sources[src] >= l.perSource {
		victim := l.pick(func(a *connActivity) bool { return a.source == src && l.idle(a) })
		if victim == nil {
			_ = c.Close()
			l.refused()
			return nil, false
		}
		l.evict(victim)
	}
	for l.max > 0 && len(l.conns) >= l.max && !l.closed {
		if victim := l.makeRoom(src); victim != nil {
			l.evict(victim)
			continue
		}
		// Wait for a connection to close, or for one to age into a victim.
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
		return nil, false
	}
	lc := &limitedConn{Conn: c, l: l}
	l.conns[lc] = &connActivity{source: src, since: l.now()}
	l.sources[src]++
	return lc, true
}

func (l *connLimiter) allows(src netip.Addr) bool {
	for _, p := range l.allowed {
		if p.Contains(src) {
			return true
		}
	}
	return false
}

// idle reports whether a connection waits between requests, long enough.
func (l *connLimiter) idle(a *connActivity) bool {
	return a.served && !a.busy && a.since.Before(l.now().Add(-minIdleToEvict))
}

// makeRoom picks the connection to close at max_connections for a new one
// from newcomer, or nil.
func (l *connLimiter) makeRoom(newcomer netip.Addr) *limitedConn {
	if victim := l.pick(l.idle); victim != nil {
		return victim
	}
	graceEnd := l.now().Add(-newConnGrace)
	crowding, most := netip.Addr{}, 0
	for src, n := range l.sources {
		if n > most {
			crowding, most = src, n
		}
	}
	// Connections that have sent nothing within the grace (a request in
	// progress, such as one waiting for its ACK, is not among them).
	silent := func(a *connActivity) bool { return !a.served && !a.busy && a.since.Before(graceEnd) }
	if victim := l.pick(func(a *connActivity) bool { return a.source == crowding && silent(a) }); victim != nil {
		return victim
	}
	if victim := l.pick(silent); victim != nil {
		return victim
	}
	sources := len(l.sources)
	if l.sources[newcomer] == 0 {
		sources++
	}
	if most > l.max/sources {
		return l.pick(func(a *connActivity) bool { return a.source == crowding && a.busy && a.since.Before(graceEnd) })
	}
	return nil
}

// pick is the connection in that state for the longest, or nil.
func (l *connLimiter) pick(match func(*connActivity) bool) *limitedConn {
	var victim *limitedConn
	var since time.Time
	for c, a := range l.conns {
		if match(a) && (victim == nil || a.since.Before(since)) {
			victim, since = c, a.since
		}
	}
	return victim
}

func (l *connLimiter) evict(c *limitedConn) {
	l.forget(c)
	_ = c.Conn.Close() // its server goroutine sees the close and ends
	l.evicted()
}

// forget drops a connection from the counts; the caller holds l.mu.
func (l *connLimiter) forget(c *limitedConn) {
	a, ok := l.conns[c]
	if !ok {
		return
	}
	delete(l.conns, c)
	if l.sources[a.source]--; l.sources[a.source] <= 0 {
		delete(l.sources, a.source)
	}
	l.freed.Signal()
}

// addrOf is the IP address of a connection's end (IPv4 in IPv6 as IPv4,
// so that one sender counts once).
func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// Close closes the listener and wakes an Accept waiting for room.
func (l *connLimiter) Close() error {
	l.mu.Lock()
	l.closed = true
	l.freed.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

// connBusy, connIdle and connGone are the states of a connection that the
// limiter follows (the server's ConnState hook reports them, server.go).
const (
	connBusy = iota // a request is being read or answered
	connIdle        // between requests
	connGone        // closed, or taken over
)

// stateChanged follows each connection between busy and idle.
func (l *connLimiter) stateChanged(c net.Conn, state int) {
	lc := limitedOf(c)
	if lc == nil {
		return
	}
	switch state {
	case connBusy, connIdle:
		if state == connBusy {
			// The first byte of a request is in: the rest of its line, its
			// headers and the server's read-ahead have header_timeout (the
			// handler ends it).
			lc.readHeadersBy(l.now().Add(l.headerTimeout))
		}
		l.mu.Lock()
		if a, ok := l.conns[lc]; ok {
			if a.busy && state == connIdle {
				a.served = true
			}
			a.busy = state == connBusy
			a.since = l.now()
		}
		l.mu.Unlock()
	case connGone:
		lc.release()
	}
}

// limitedConn is a connection that gives its place back when it closes,
// and holds the deadline of the request headers being read.
type limitedConn struct {
	net.Conn
	l    *connLimiter
	once sync.Once

	// headersBy is when the request being read must have its headers in
	// (unix nanoseconds; 0: none is being read). fasthttp sets the read
	// deadline from read_timeout as a request starts; SetReadDeadline holds
	// it to this one.
	headersBy atomic.Int64
	deadline  atomic.Int64 // the read deadline last set, unix nanoseconds (0: none)
}

// limitedOf finds the limitedConn under a connection the server holds
// (TLS, the graceful close), or nil.
func limitedOf(c net.Conn) *limitedConn {
	gc := lingerOf(c)
	if gc == nil {
		return nil
	}
	lc, _ := gc.Conn.(*limitedConn)
	return lc
}

func (c *limitedConn) readHeadersBy(t time.Time) {
	if d := c.deadline.Load(); d != 0 && d <= t.UnixNano() {
		return // an earlier deadline (read_timeout from the accept) stands
	}
	c.headersBy.Store(t.UnixNano())
	_ = c.Conn.SetReadDeadline(t)
}

// headersRead ends the header deadline: the handler has the request.
func (c *limitedConn) headersRead() { c.headersBy.Store(0) }

// headersLate tells whether the header deadline has passed.
func (c *limitedConn) headersLate(now time.Time) bool {
	by := c.headersBy.Load()
	return by != 0 && !now.Before(time.Unix(0, by))
}

func (c *limitedConn) SetReadDeadline(t time.Time) error {
	if by := c.headersBy.Load(); by != 0 {
		if d := time.Unix(0, by); t.IsZero() || t.After(d) {
			t = d
		}
	}
	if t.IsZero() {
		c.deadline.Store(0)
	} else {
		c.deadline.Store(t.UnixNano())
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *limitedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

func (c *limitedConn) release() {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.forget(c)
		c.l.mu.Unlock()
	})
}
