package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Scripted scenarios from the seeds, driven by the in-test network.

func noPreVote(c *Config) { c.PreVote = false }

// Two nodes time out together and split the vote (the third is down);
// randomized timeouts then resolve it in a later term.
func TestScenario_SplitVote(t *testing.T) {
	for _, pre := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "prevote"}[pre], func(t *testing.T) {
			nw := newNetwork(t, 3, func(c *Config) { c.PreVote = pre })
			nw.rands[1] = &seqRand{vals: []int{0}} // always ET
			// ET first, then longer once a candidate (draws: start, [pre-candidate,] candidate).
			nw.rands[2] = &seqRand{vals: []int{0, 7, 7}}
			if pre {
				nw.rands[2] = &seqRand{vals: []int{0, 0, 7}}
			}
			nw.start(1)
			nw.start(2)
			nw.crash(3)
			nw.tick(10)
			for _, id := range []uint64{1, 2} {
				require.Equal(t, Candidate, nw.nodes[id].role, "node %d", id)
				require.Equal(t, uint64(1), nw.nodes[id].term)
				require.Equal(t, id, nw.nodes[id].vote, "each voted for itself: split")
			}
			require.Zero(t, nw.leader())
			l := nw.tickUntilLeader(30)
			require.Equal(t, uint64(1), l)
			require.Equal(t, uint64(2), nw.nodes[1].term)
		})
	}
}

// The leader crashes; the others elect a new leader holding every committed
// entry; the old leader restarts as a follower and catches up.
func TestScenario_LeaderCrashReelection(t *testing.T) {
	nw := newNetwork(t, 3, func(c *Config) { c.PreVote, c.CheckQuorum = true, true })
	old := nw.tickUntilLeader(100)
	oldTerm := nw.nodes[old].term
	for _, d := range []string{"a", "b", "c"} {
		nw.propose(old, d)
	}
	nw.stabilize()
	nw.tick(2) // heartbeats spread the commit index
	committed := nw.nodes[old].log.committed
	require.Equal(t, uint64(4), committed)
	nw.crash(old)
	l := nw.tickUntilLeader(100)
	require.NotEqual(t, old, l)
	require.Greater(t, nw.nodes[l].term, oldTerm)
	for i := uint64(2); i <= committed; i++ {
		require.Equal(t, []byte{"abc"[i-2]}, nw.entryAt(l, i).Data, "leader completeness at %d", i)
	}
	nw.propose(l, "d")
	nw.restart(old)
	nw.tick(5)
	require.Equal(t, l, nw.leader())
	require.Equal(t, Follower, nw.nodes[old].role)
	require.Equal(t, l, nw.nodes[old].lead)
	for _, id := range nw.peers {
		require.Equal(t, logTerms(t, nw.nodes[l]), logTerms(t, nw.nodes[id]))
		require.Equal(t, nw.nodes[l].log.committed, nw.nodes[id].log.committed)
	}
}

// Figure 7 / "case 3": followers missing entries, and followers with extra
// uncommitted entries from older terms, are all repaired by the new leader.
func TestScenario_DivergentFollowersRepaired(t *testing.T) {
	logs := [][]uint64{
		{1, 1, 1, 4, 4, 5, 5, 6, 6, 6},       // leader-to-be
		{1, 1, 1, 4, 4, 5, 5, 6, 6},          // (a) missing one
		{1, 1, 1, 4},                         // (b) missing many
		{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},    // (c) extra entry of term 6
		{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, // (d) extra entries of term 7
		{1, 1, 1, 4, 4, 4, 4},                // (e) extra entries of term 4
		{1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},    // (f) extra entries of terms 2 and 3
	}
	nw := newNetworkWithLogs(t, 7, logs, noPreVote)
	nw.campaign(1)
	require.Equal(t, Leader, nw.nodes[1].role, "votes from a, b, e, f")
	require.Equal(t, uint64(8), nw.nodes[1].term)
	nw.tick(3)
	want := append(append([]uint64{}, logs[0]...), 8) // plus the leader's no-op
	for _, id := range nw.peers {
		require.Equal(t, want, logTerms(t, nw.nodes[id]), "node %d", id)
		require.Equal(t, uint64(11), nw.nodes[id].log.committed, "node %d", id)
	}
}

// Figure 8, "Committing Entry from Earlier Term". S1 leads term 1 and gets
// entry 2 onto S2 only; S5 leads term 2 alone with its own entry 2; S1 leads
// term 3 and gets its entry 2 (term 1) onto S3, a majority, but not its
// term-3 no-op. ownTerm lets S1 also replicate the no-op before crashing.
func figure8(t *testing.T, ownTerm bool, opts ...func(*Config)) *network {
	nw := newNetwork(t, 5, append([]func(*Config){noPreVote}, opts...)...)
	nw.campaign(1)
	nw.isolate(1)
	nw.cut[[2]uint64{1, 2}], nw.cut[[2]uint64{2, 1}] = false, false
	nw.propose(1, "a")
	nw.stabilize()
	require.Equal(t, uint64(1), nw.entryAt(2, 2).Term)
	// (b) S1 crashes; S5 wins term 2 with S3, S4 and appends entry 2 (its no-op) alone.
	nw.crash(1)
	nw.heal()
	nw.nodes[5].Campaign()
	nw.process(5)
	for nw.nodes[5].role != Leader {
		nw.deliverOne()
	}
	nw.isolate(5)
	nw.stabilize()
	nw.crash(5)
	nw.heal()
	// (c) S1 restarts and wins term 3 (S3 voted in term 2 already: two rounds).
	// S4 is cut off; S1's Apps carry nothing past entry 2 unless ownTerm.
	nw.filter = func(m *Message) bool {
		if m.To == 4 || m.From == 4 {
			return false
		}
		if m.Type == MsgApp && !ownTerm {
			for i, e := range m.Entries {
				if e.Index >= 3 {
					m.Entries = m.Entries[:i] // only the old-term entry 2 gets through
					break
				}
			}
		}
		return true
	}
	nw.restart(1)
	nw.campaign(1)
	nw.campaign(1)
	require.Equal(t, Leader, nw.nodes[1].role)
	require.Equal(t, uint64(3), nw.nodes[1].term)
	nw.tick(2)
	for _, id := range []uint64{1, 2, 3} {
		require.Equal(t, Entry{Index: 2, Term: 1, Data: []byte("a")}, nw.entryAt(id, 2), "node %d", id)
	}
	return nw
}

func TestScenario_Figure8_EarlierTermEntryNotCommittedByCounting(t *testing.T) {
	nw := figure8(t, false)
	require.Equal(t, uint64(1), nw.nodes[1].log.committed,
		"5.4.2: entry 2 (term 1) is on a majority but must not commit in term 3")
	// (d) S1 crashes; S5 restarts and wins term 4 with S2, S3, S4 (its last
	// term 2 beats their 1) and overwrites entry 2: safe, it never committed.
	nw.crash(1)
	nw.filter = nil
	nw.restart(5)
	nw.campaign(5)
	nw.campaign(5)
	require.Equal(t, Leader, nw.nodes[5].role)
	nw.tick(3)
	for _, id := range []uint64{2, 3, 4, 5} {
		require.Equal(t, uint64(2), nw.entryAt(id, 2).Term, "node %d", id)
		for _, e := range nw.applied[id] {
			require.NotEqual(t, "a", string(e.Data), "node %d applied the overwritten entry", id)
		}
	}
}

func TestScenario_Figure8_CurrentTermEntryCommitsEarlierOnes(t *testing.T) {
	nw := figure8(t, true)
	require.Equal(t, uint64(3), nw.nodes[1].log.committed, "no-op of term 3 on a majority commits 2 and 3")
	// (e) S1 crashes; S5 (last term 2) can no longer win; entry 2 survives.
	nw.crash(1)
	nw.filter = nil
	nw.restart(5)
	for range 3 {
		nw.campaign(5)
		require.NotEqual(t, Leader, nw.nodes[5].role)
	}
	l := nw.tickUntilLeader(200)
	require.Contains(t, []uint64{2, 3}, l)
	nw.tick(3)
	for _, id := range []uint64{2, 3, 4, 5} {
		require.Equal(t, Entry{Index: 2, Term: 1, Data: []byte("a")}, nw.entryAt(id, 2), "node %d", id)
	}
}

// Defect CommitOldTerm turns the Figure 8 interleaving into a lost committed entry.
func TestDefect_CommitOldTerm_Figure8(t *testing.T) {
	nw := figure8(t, false, func(c *Config) { c.Defects.CommitOldTerm = true })
	require.Equal(t, uint64(2), nw.nodes[1].log.committed, "the defect commits entry 2 by counting")
	require.Equal(t, "a", string(nw.applied[1][1].Data))
	nw.crash(1)
	nw.filter = nil
	nw.restart(5)
	nw.campaign(5) // term 3: S2, S3 voted for S1 already
	nw.nodes[5].Campaign()
	nw.process(5)
	for i := 0; nw.nodes[5].role != Leader; i++ {
		require.Less(t, i, 100)
		nw.deliverOne() // not to quiet: S2, S3 now disagree with S5 about a committed entry
	}
	require.Equal(t, uint64(2), nw.entryAt(5, 2).Term)
}

// A node cut off for 20 election timeouts rejoins. With Pre-Vote it never
// raised its term and the leader stays; without, its inflated term deposes
// the leader (though its short log cannot win).
func TestScenario_IsolatedNodeRejoins(t *testing.T) {
	for _, pre := range []bool{true, false} {
		t.Run(map[bool]string{false: "prevote-off", true: "prevote-on"}[pre], func(t *testing.T) {
			nw := newNetwork(t, 3, func(c *Config) { c.PreVote, c.CheckQuorum = pre, true })
			l := nw.tickUntilLeader(100)
			term := nw.nodes[l].term
			cut := uint64(3)
			if l == cut {
				cut = 2
			}
			nw.isolate(cut)
			nw.propose(l, "while-away")
			nw.tick(20 * 10)
			require.Equal(t, l, nw.leader())
			nw.heal()
			nw.tick(50)
			if pre {
				require.Equal(t, term, nw.nodes[cut].term, "pre-vote: no term inflation")
				require.Equal(t, l, nw.leader())
				require.Equal(t, term, nw.nodes[l].term, "the leader was never deposed")
			} else {
				require.Greater(t, nw.nodes[cut].term, term+10, "term inflation while isolated")
				require.Greater(t, nw.nodes[l].term, term+10, "the rejoining node deposed the leader")
				require.NotEqual(t, cut, nw.leader(), "its log is behind: it cannot win")
			}
			require.Equal(t, nw.nodes[l].log.committed, nw.nodes[cut].log.committed, "caught up")
		})
	}
}
