package raft

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// splitmix is a tiny deterministic Rand for tests.
type splitmix struct{ x uint64 }

func (s *splitmix) IntN(n int) int {
	s.x += 0x9e3779b97f4a7c15
	z := s.x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return int((z ^ (z >> 31)) % uint64(n))
}

// safety records what the cluster has shown and checks the Raft properties
// of Figure 3 after every step.
type safety struct {
	t         *rapid.T
	nw        *network
	leaders   map[uint64]uint64 // term -> the node that led it
	committed map[uint64]seen   // index -> committed entry
	readFloor map[string]uint64 // ReadIndex ctx -> highest index committed when asked
}

type seen struct {
	e    Entry
	term uint64 // lowest term of a node that knew it committed
}

func sameEntry(a, b Entry) bool {
	return a.Index == b.Index && a.Term == b.Term && a.Type == b.Type && string(a.Data) == string(b.Data)
}

// recordCommitted: State Machine Safety, committed entries never change.
func (s *safety) recordCommitted(id uint64, e Entry, term uint64) {
	prev, ok := s.committed[e.Index]
	if !ok {
		s.committed[e.Index] = seen{e, term}
		return
	}
	if !sameEntry(prev.e, e) {
		s.t.Fatalf("committed entry %d changed: %+v then node %d has %+v", e.Index, prev.e, id, e)
	}
	if term < prev.term {
		s.committed[e.Index] = seen{e, term}
	}
}

func (s *safety) check() {
	for _, id := range s.nw.peers {
		n := s.nw.nodes[id]
		if n == nil {
			continue
		}
		st := n.Status()
		require.LessOrEqual(s.t, st.Applied, st.Commit)
		require.LessOrEqual(s.t, st.Commit, st.LastIndex)
		ents, err := n.log.slice(1, st.Commit+1, 0)
		require.NoError(s.t, err)
		for _, e := range ents {
			s.recordCommitted(id, e, st.Term)
		}
		if st.Role == Leader {
			s.checkLeader(id, n)
		}
	}
	s.checkLogMatching()
}

// checkLeader: Election Safety (one leader per term) and Leader Completeness
// (a leader holds every entry committed in an earlier term).
func (s *safety) checkLeader(id uint64, n *Node) {
	if l, ok := s.leaders[n.term]; ok && l != id {
		s.t.Fatalf("election safety: nodes %d and %d both lead term %d", l, id, n.term)
	}
	s.leaders[n.term] = id
	for i, c := range s.committed {
		if c.term >= n.term {
			continue
		}
		got, err := n.log.slice(i, i+1, 0)
		if err != nil || !sameEntry(got[0], c.e) {
			s.t.Fatalf("leader completeness: leader %d of term %d lacks committed entry %+v", id, n.term, c.e)
		}
	}
}

// checkLogMatching: if two durable logs hold an entry with the same index
// and term, they are identical up to it.
func (s *safety) checkLogMatching() {
	logs := map[uint64][]Entry{}
	for _, id := range s.nw.peers {
		logs[id] = s.nw.stores[id].ents[1:]
	}
	for _, a := range s.nw.peers {
		for _, b := range s.nw.peers {
			if a >= b {
				continue
			}
			la, lb := logs[a], logs[b]
			for i := min(len(la), len(lb)) - 1; i >= 0; i-- {
				if la[i].Term == lb[i].Term {
					for j := 0; j <= i; j++ {
						if !sameEntry(la[j], lb[j]) {
							s.t.Fatalf("log matching: nodes %d, %d agree at %d but differ at %d", a, b, i+1, j+1)
						}
					}
					break
				}
			}
		}
	}
}

func TestRapidSafety(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		size := rapid.SampledFrom([]int{3, 5}).Draw(rt, "size")
		pre := rapid.Bool().Draw(rt, "prevote")
		cq := rapid.Bool().Draw(rt, "checkquorum")
		inflight := rapid.IntRange(1, 4).Draw(rt, "inflight")
		batch := rapid.IntRange(1, 3).Draw(rt, "batch")
		seed := rapid.Uint64().Draw(rt, "seed")
		opt := func(c *Config) {
			c.ElectionTicks, c.PreVote, c.CheckQuorum = 5, pre, cq
			c.MaxInflightMsgs, c.MaxEntriesPerMsg = inflight, batch
		}
		nw := newNetwork(rt, size, opt)
		nw.maxQueue = 128
		for _, id := range nw.peers {
			nw.rands[id] = &splitmix{seed + id}
			nw.start(id)
		}
		s := &safety{t: rt, nw: nw, leaders: map[uint64]uint64{}, committed: map[uint64]seen{},
			readFloor: map[string]uint64{}}
		nw.onReady = func(id uint64, rd Ready) {
			for _, e := range rd.CommittedEntries {
				s.recordCommitted(id, e, nw.nodes[id].term)
			}
			for _, r := range rd.ReadStates {
				// Linearizable reads: a ReadIndex answer covers every entry
				// committed anywhere before the request was made.
				require.GreaterOrEqual(rt, r.Index, s.readFloor[string(r.Ctx)], "read %q", r.Ctx)
			}
		}
		steps := rapid.IntRange(100, 1500).Draw(rt, "steps")
		proposals := 0
		for range steps {
			randomStep(rt, nw, &proposals, s)
			s.check()
		}
		settle(rt, nw, s)
	})
}

// randomStep draws one action: ticks, proposals, delivery in any order,
// drops, duplicates, crashes and restarts.
func randomStep(rt *rapid.T, nw *network, proposals *int, s *safety) {
	node := uint64(rapid.IntRange(1, len(nw.peers)).Draw(rt, "node"))
	switch act := rapid.IntRange(0, 17).Draw(rt, "action"); {
	case act == 16:
		randomConfChange(rt, nw, node)
	case act == 17:
		if n := nw.nodes[node]; n != nil && n.role == Leader {
			*proposals++
			ctx := "r" + itoa(*proposals)
			for i := range s.committed {
				s.readFloor[ctx] = max(s.readFloor[ctx], i)
			}
			require.NoError(rt, n.ReadIndex([]byte(ctx)))
			nw.process(node)
		}
	case act < 3:
		nw.tickRound()
	case act < 5:
		if n := nw.nodes[node]; n != nil {
			n.Tick()
			nw.process(node)
		}
	case act < 7:
		if n := nw.nodes[node]; n != nil && n.role == Leader {
			*proposals++
			_, _, err := n.Propose([]byte("v" + itoa(*proposals)))
			if err != nil {
				require.ErrorIs(rt, err, ErrProposalDropped)
			}
			nw.process(node)
		}
	case act < 13 && len(nw.queue) > 0:
		nw.deliverAt(rapid.IntRange(0, len(nw.queue)-1).Draw(rt, "msg"))
	case act == 13 && len(nw.queue) > 0:
		k := rapid.IntRange(0, len(nw.queue)-1).Draw(rt, "drop")
		nw.queue = slices.Delete(nw.queue, k, k+1)
	case act == 14 && len(nw.queue) > 0:
		nw.deliver(nw.queue[rapid.IntRange(0, len(nw.queue)-1).Draw(rt, "dup")].Clone())
	case act == 15:
		if nw.nodes[node] == nil {
			nw.restart(node)
		} else {
			nw.crash(node)
		}
	}
}

// randomConfChange has a live leader add node as a voter or remove it,
// jointly or as a single-server change.
func randomConfChange(rt *rapid.T, nw *network, node uint64) {
	l := nw.leader()
	if l == 0 {
		return
	}
	n := nw.nodes[l]
	c := ConfChange{Simple: rapid.Bool().Draw(rt, "simple")}
	if n.isVoter(node) {
		c.Changes = []ConfChangeSingle{{ConfRemoveNode, node}}
	} else {
		c.Changes = []ConfChangeSingle{{ConfAddVoter, node}}
	}
	if _, _, err := n.ProposeConfChange(c); err != nil && !errors.Is(err, ErrConfChangePending) {
		require.ErrorIs(rt, err, ErrInvalidConfChange)
	}
	nw.process(l)
}

// tickRound ticks every live node once, without delivering.
func (nw *network) tickRound() {
	for _, id := range nw.peers {
		if n := nw.nodes[id]; n != nil {
			n.Tick()
			nw.process(id)
		}
	}
}

// settle restarts everyone and runs a reliable network: a leader must emerge
// and commit a new proposal everywhere (liveness after faults stop).
func settle(rt *rapid.T, nw *network, s *safety) {
	for _, id := range nw.peers {
		if nw.nodes[id] == nil {
			nw.restart(id)
		}
	}
	nw.stabilize()
	l := nw.tickUntilLeader(500)
	nw.propose(l, "final")
	want := nw.nodes[l].log.lastIndex()
	for i := 0; ; i++ {
		if nw.nodes[l].role != Leader {
			// The leader lost its term before "final" committed (a rapid
			// seed: 3 nodes, 1 App in flight, another node won the next
			// term with a shorter log), so its uncommitted entries, "final"
			// among them, are dropped: propose again at the new leader.
			l = nw.tickUntilLeader(500)
			nw.propose(l, "final")
			want = nw.nodes[l].log.lastIndex()
		}
		done := true
		for _, id := range nw.peers {
			member := slices.Contains(nw.nodes[l].log.conf().members, id)
			done = done && (!member || nw.nodes[id].log.applied >= want)
		}
		if done {
			break
		}
		require.Less(rt, i, 200, "cluster did not converge after faults stopped")
		nw.tick(1)
		s.check()
	}
	s.check()
}
