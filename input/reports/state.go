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
	for id, t := range next.Seen {
		if t < next.Since {
			delete(next.Seen, id)
		}
	}
	if len(next.Seen) > maxSeen {
		times := make([]int64, 0, len(next.Seen))
		for _, t := range next.Seen {
			times = append(times, t)
		}
		sort.Slice(times, func(i, j int) bool { return times[i] > times[j] })
		next.Since = max(next.Since, times[maxSeen-1])
		for id, t := range next.Seen {
			if t < next.Since {
				delete(next.Seen, id)
			}
		}
	}
	return next
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
