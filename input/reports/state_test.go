// Copyright 2026 The zoombeat Authors.
// SPDX-License-Identifier: Apache-2.0

package reports

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWindowsAreAtMostAMonth(t *testing.T) {
	got := windows(d("2024-01-15").Add(13*time.Hour), d("2024-03-20").Add(5*time.Hour))
	assert.Equal(t, [][2]time.Time{
		{d("2024-01-15"), d("2024-02-14")},
		{d("2024-02-15"), d("2024-03-14")},
		{d("2024-03-15"), d("2024-03-20")},
	}, got)
	for _, w := range windows(d("2024-01-31"), d("2024-12-31")) {
		assert.False(t, w[1].After(w[0].AddDate(0, 1, 0)), "window %v is over a month", w)
	}
	assert.Equal(t, [][2]time.Time{{d("2024-05-05"), d("2024-05-05")}}, windows(d("2024-05-05"), d("2024-05-05")))
}

func TestStateAdvance(t *testing.T) {
	base := time.Date(2024, 11, 24, 12, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return base.Add(d).UnixMilli() }
	s := state{Since: ms(-48 * time.Hour)}
	assert.True(t, s.published("x", base.Add(-49*time.Hour)), "older than since")
	assert.False(t, s.published("x", base.Add(-47*time.Hour)))

	s = s.advance(map[string]int64{"a": ms(-3 * time.Hour), "b": ms(0), "c": ms(-30 * time.Minute)}, time.Hour)
	assert.Equal(t, ms(-time.Hour), s.Since, "since = newest - late_window")
	assert.Equal(t, map[string]int64{"b": ms(0), "c": ms(-30 * time.Minute)}, s.Seen, "older ids are covered by since")
	assert.True(t, s.published("a", base.Add(-3*time.Hour)))
	assert.True(t, s.published("c", base.Add(-30*time.Minute)))
	assert.False(t, s.published("d", base.Add(-30*time.Minute)), "a late entry in the window is new")

	// since never moves back
	s2 := s.advance(map[string]int64{"old": ms(-10 * time.Hour)}, time.Hour)
	assert.Equal(t, s.Since, s2.Since)

	// remember keeps since
	r := s.remember(map[string]int64{"d": ms(-20 * time.Minute)})
	assert.Equal(t, s.Since, r.Since)
	assert.Contains(t, r.Seen, "d")
	assert.NotContains(t, s.Seen, "d", "states are values")
}

func TestStateIsBounded(t *testing.T) {
	base := time.Date(2024, 11, 24, 12, 0, 0, 0, time.UTC).UnixMilli()
	added := map[string]int64{}
	for i := range maxSeen + 500 {
		added[fmt.Sprint(i)] = base + int64(i) // one entry per millisecond
	}
	s := state{}.advance(added, 24*time.Hour)
	assert.LessOrEqual(t, len(s.Seen), maxSeen)
	// Whatever was forgotten is below since: never published again.
	for id, tm := range added {
		if _, kept := s.Seen[id]; !kept {
			assert.True(t, s.published(id, time.UnixMilli(tm)), "forgotten entry %s would be published again", id)
		}
	}
}

// The ids a window keeps are bounded, and letting the others go changes
// nothing that advance makes of them: for entries in any order or newest
// first (as Zoom lists them), with equal times (the ties of the maxSeen-th
// newest), whichever rule lets them go.
func TestWindowIDsLeaveAdvanceUnchanged(t *testing.T) {
	base := time.Date(2024, 11, 24, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lateWindow := range []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		// Whole seconds over twice the late window: more than maxSeen
		// within it, and ties.
		times := make([]int64, 3*maxSeen+123)
		for i := range times {
			times[i] = base.Add(-time.Duration(rng.Int64N(int64(2*lateWindow/time.Second))) * time.Second).UnixMilli()
		}
		newestFirst := slices.Clone(times)
		slices.Sort(newestFirst)
		slices.Reverse(newestFirst)
		for _, prior := range []state{
			{Since: base.Add(-40 * 24 * time.Hour).UnixMilli()},
			{Since: base.Add(-2 * time.Hour).UnixMilli(), Seen: map[string]int64{"prior-a": base.Add(-time.Hour).UnixMilli(), "prior-b": base.Add(time.Hour).UnixMilli()}},
		} {
			for order, times := range map[string][]int64{"in no order": times, "newest first": newestFirst} {
				name := fmt.Sprintf("late_window %v, since %v, %s", lateWindow, prior.since(), order)
				w, all := newWindowIDs(lateWindow), map[string]int64{}
				most := 0
				for i, tm := range times {
					if i%1000 == 0 {
						tm = prior.Since // an entry without a time
					}
					id := fmt.Sprint(i)
					w.add(id, tm)
					all[id] = tm
					most = max(most, len(w.times))
				}
				// 2*maxSeen, then maxSeen more than a prune leaves: the
				// maxSeen+1 newest and their ties, a few here.
				assert.LessOrEqual(t, most, 2*maxSeen+100, name)
				assert.Positive(t, w.prunes, name)
				assert.Equal(t, prior.advance(all, lateWindow), prior.advance(w.times, lateWindow), name)
			}
		}
	}
}

// Entries of one time (a window whose times do not parse is remembered at
// the cursor's own) cannot be let go, as advance keeps them all; the window
// then prunes once per maxSeen entries, not at every entry.
func TestWindowIDsOfOneTimePruneRarely(t *testing.T) {
	w, all := newWindowIDs(time.Hour), map[string]int64{}
	n := 5 * maxSeen
	for i := range n {
		w.add(fmt.Sprint(i), 1_732_000_000_000)
		all[fmt.Sprint(i)] = 1_732_000_000_000
	}
	assert.Len(t, w.times, n)
	assert.LessOrEqual(t, w.prunes, n/maxSeen)
	assert.Equal(t, state{}.advance(all, time.Hour), state{}.advance(w.times, time.Hour))
}

func TestEntryID(t *testing.T) {
	e := map[string]any{"time": "2024-11-24T08:00:00Z", "operator": "a@example.com", "action": "Add"}
	reordered := map[string]any{"action": "Add", "operator": "a@example.com", "time": "2024-11-24T08:00:00Z"}
	assert.Equal(t, entryID("acct", "operationlogs", e), entryID("acct", "operationlogs", reordered))
	assert.NotEqual(t, entryID("acct", "operationlogs", e), entryID("other", "operationlogs", e))
	assert.NotEqual(t, entryID("acct", "operationlogs", e), entryID("acct", "activities", e))
	assert.Len(t, entryID("acct", "operationlogs", e), 32)
}
