// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"
)

// maxSeen bounds the entries the cursor remembers. Past it the oldest are
// forgotten and since moves up to the oldest one kept, so that a forgotten
// entry can never be published again.
const maxSeen = 10000

// state is a report's cursor in Filebeat's registry. Zoom's report windows
// are whole days, so every poll re-reads today (and late_window before the
// newest entry); entries older than Since were published, and entries at or
// after it were published exactly when their id is in Seen.
type state struct {
	Since int64            `json:"since" struct:"since"` // Unix milliseconds
	Seen  map[string]int64 `json:"seen" struct:"seen"`   // entry id -> entry time, Unix milliseconds
}

func (s state) since() time.Time { return time.UnixMilli(s.Since).UTC() }

// published reports whether an entry was published before.
func (s state) published(id string, t time.Time) bool {
	return t.UnixMilli() < s.Since || s.seen(id)
}

// seen reports whether the cursor remembers the entry id.
func (s state) seen(id string) bool {
	_, ok := s.Seen[id]
	return ok
}

// advance returns the state after the entries in added (id -> time) were
// published: Since moves to lateWindow before the newest entry known, and
// Seen keeps the entries from Since on, at most maxSeen of them.
func (s state) advance(added map[string]int64, lateWindow time.Duration) state {
	next := state{Since: s.Since, Seen: make(map[string]int64, len(s.Seen)+len(added))}
	newest := int64(0)
	for _, m := range []map[string]int64{s.Seen, added} {
		for id, t := range m {
			next.Seen[id] = t
			newest = max(newest, t)
		}
	}
	if newest > 0 {
		next.Since = max(next.Since, newest-lateWindow.Milliseconds())
	}
	dropOlder(next.Seen, next.Since)
	if len(next.Seen) > maxSeen {
		next.Since = max(next.Since, nthNewest(next.Seen, maxSeen))
		dropOlder(next.Seen, next.Since)
	}
	return next
}

// windowIDs are the entries published from one window (id -> time,
// Unix milliseconds), for the cursor to remember once the window is read, and
// to skip an entry met twice in it (paging shifts when entries arrive during
// a listing). A month of a large account is hundreds of thousands of entries,
// more than the cursor ever keeps, so past about 2*maxSeen only those that
// advance could keep are kept: the newest, none older than lateWindow before
// the newest. advance's result is the same, and memory no longer grows with
// the account's size (only with entries of one time, which advance keeps
// all of). An entry met again after its id was let go is published again,
// with the same _id.
type windowIDs struct {
	times      map[string]int64
	newest     int64
	lateWindow int64 // milliseconds
	prunes     int   // how many prunes ran
	// limit is the size past which to prune: at first 2*maxSeen, then
	// maxSeen more than the last prune left, so that a prune that cannot let
	// go of enough (entries of one time, which advance keeps all of: a
	// window whose times do not parse) is not repeated at every entry.
	limit int
}

func newWindowIDs(lateWindow time.Duration) *windowIDs {
	return &windowIDs{times: map[string]int64{}, lateWindow: lateWindow.Milliseconds(), limit: 2 * maxSeen}
}

func (w *windowIDs) has(id string) bool {
	_, ok := w.times[id]
	return ok
}

func (w *windowIDs) add(id string, t int64) {
	w.times[id] = t
	w.newest = max(w.newest, t)
	if len(w.times) > w.limit {
		w.prune()
		w.limit = len(w.times) + maxSeen
	}
}

// prune lets go of the ids that advance would drop: those older than
// lateWindow before the newest, then those older than the (maxSeen+1)-th
// newest. Both bounds only rise as the window is read, and the state's own
// ids only raise them further, so an id let go here would be dropped by
// advance too. One more than advance keeps is kept so that advance still
// finds more than maxSeen, and raises Since to the maxSeen-th newest as it
// would with every id (TestWindowIDsLeaveAdvanceUnchanged).
func (w *windowIDs) prune() {
	w.prunes++
	dropOlder(w.times, w.newest-w.lateWindow)
	if len(w.times) > maxSeen+1 {
		dropOlder(w.times, nthNewest(w.times, maxSeen+1))
	}
}

// nthNewest returns the n-th newest time of ids (n <= len(ids)).
func nthNewest(ids map[string]int64, n int) int64 {
	times := make([]int64, 0, len(ids))
	for _, t := range ids {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] > times[j] })
	return times[n-1]
}

// dropOlder deletes the ids older than since.
func dropOlder(ids map[string]int64, since int64) {
	for id, t := range ids {
		if t < since {
			delete(ids, id)
		}
	}
}

// remember returns the state with the ids in added remembered and Since
// unchanged: for a window read only in part. Past maxSeen it gives up
// remembering, and the window's entries are published again later (with the
// same _id).
func (s state) remember(added map[string]int64) state {
	if len(s.Seen)+len(added) > maxSeen {
		return s
	}
	next := state{Since: s.Since, Seen: make(map[string]int64, len(s.Seen)+len(added))}
	for _, m := range []map[string]int64{s.Seen, added} {
		for id, t := range m {
			next.Seen[id] = t
		}
	}
	return next
}

// entryID is the stable id of a report entry: Zoom gives entries no id, so it
// is the hash of the account, the report and the entry's canonical JSON
// (encoding/json sorts keys). It is also the document's @metadata._id.
func entryID(account, report string, entry map[string]any) string {
	b, _ := json.Marshal(entry)
	h := sha256.New()
	h.Write([]byte(account))
	h.Write([]byte{0})
	h.Write([]byte(report))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// windows splits [from, to] (whole UTC days) into the spans Zoom accepts in
// one request: at most one month each, oldest first.
func windows(from, to time.Time) [][2]time.Time {
	from, to = day(from), day(to)
	var out [][2]time.Time
	for !from.After(to) {
		end := from.AddDate(0, 1, -1)
		if end.After(to) {
			end = to
		}
		out = append(out, [2]time.Time{from, end})
		from = end.AddDate(0, 0, 1)
	}
	return out
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
