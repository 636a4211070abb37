package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// app is an App of the term-2 leader n1 to n2: prev index/term, one entry per term given.
func app(prev, prevTerm uint64, terms ...uint64) Message {
	m := Message{Type: MsgApp, From: 1, To: 2, Term: 2, Index: prev, LogTerm: prevTerm}
	for i, t := range terms {
		m.Entries = append(m.Entries, Entry{Index: prev + 1 + uint64(i), Term: t})
	}
	return m
}

// acks lists the AppResp of msgs: the acked index, or 0 for a reject.
func acks(msgs []Message) []uint64 {
	out := []uint64{}
	for _, m := range msgs {
		if m.Type != MsgAppResp {
			continue
		}
		if m.Reject {
			out = append(out, 0)
		} else {
			out = append(out, m.Index)
		}
	}
	return out
}

// A follower keeps the leader's Apps that arrive ahead of a gap and steps
// them once the gap fills, so a reordered window costs no resend.
func TestFollowerStepsEarlyAppsOnceTheGapFills(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1))
	require.NoError(t, n.Step(app(3, 2, 2))) // entry 4, ahead of 2 and 3
	require.NoError(t, n.Step(app(2, 2, 2))) // entry 3, ahead of 2
	require.Equal(t, []uint64{0, 0}, acks(readMsgs(t, n)), "both rejected when they arrive")
	require.Len(t, n.early, 2)

	require.NoError(t, n.Step(app(1, 1, 2))) // entry 2 fills the gap
	require.Equal(t, []uint64{1, 2, 2, 2}, logTerms(t, n))
	require.Equal(t, []uint64{2, 3, 4}, acks(readMsgs(t, n)))
	require.Empty(t, n.early)
}

// A held App's entries are its own: the sender may reuse its array.
func TestFollowerCopiesEarlyEntries(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1))
	m := app(2, 2, 2)
	require.NoError(t, n.Step(m))
	m.Entries[0].Term = 9
	require.NoError(t, n.Step(app(1, 1, 2)))
	require.Equal(t, []uint64{1, 2, 2}, logTerms(t, n))
}

// A held App whose previous entry turns out not to match is dropped (its
// reject was sent when it arrived); one that only repeats what is committed
// is dropped too.
func TestFollowerDropsEarlyAppsThatNoLongerApply(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1))
	require.NoError(t, n.Step(app(2, 1, 1))) // prev 2 of term 1: the leader's is term 2
	readMsgs(t, n)
	require.NoError(t, n.Step(app(1, 1, 2)))
	require.Equal(t, []uint64{1, 2}, logTerms(t, n))
	require.Equal(t, []uint64{2}, acks(readMsgs(t, n)), "no second answer to the mismatch")
	require.Empty(t, n.early)
}

// The buffer holds at most MaxInflightMsgs Apps, and only Apps of the
// current term's leader: a new term, or a snapshot, empties it.
func TestFollowerEarlyAppsAreBounded(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1), func(c *Config) { c.MaxInflightMsgs = 2 })
	for prev := uint64(2); prev < 6; prev++ {
		require.NoError(t, n.Step(app(prev, 2, 2)))
	}
	require.Len(t, n.early, 2)
	require.NoError(t, n.Step(Message{Type: MsgHeartbeat, From: 3, To: 2, Term: 3}))
	require.Empty(t, n.early, "a new term's leader never steps the old one's Apps")

	require.NoError(t, n.Step(Message{Type: MsgApp, From: 3, To: 2, Term: 3, Index: 4, LogTerm: 3,
		Entries: []Entry{{Index: 5, Term: 3}}}))
	require.Len(t, n.early, 1)
	require.NoError(t, n.Step(Message{Type: MsgSnap, From: 3, To: 2, Term: 3, SnapDone: true,
		Snapshot: Snapshot{Metadata: SnapshotMetadata{Index: 3, Term: 3, ConfState: ConfState{Voters: ids(3)}}}}))
	require.Empty(t, n.early, "a snapshot restore drops what was held")
}

// A follower never holds an App without entries, nor one whose previous
// entry it has (that one is a real mismatch, answered by the reject alone).
func TestFollowerHoldsOnlyAppsAheadOfItsLog(t *testing.T) {
	n := newNodeWithLog(t, 2, ids(3), 2, ents(1, 1))
	require.NoError(t, n.Step(app(3, 2)))    // a heartbeat-like App with no entries
	require.NoError(t, n.Step(app(2, 2, 2))) // prev 2 is ours, of another term
	require.Empty(t, n.early)
	require.Equal(t, []uint64{0, 0}, acks(readMsgs(t, n)))
}
