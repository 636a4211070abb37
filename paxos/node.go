// Package paxos is Multi-Paxos as a pure state machine in the etcd RawNode
// style: inputs arrive as Tick, Step and Propose; outputs leave in a Ready
// batch (state to persist, messages, chosen slots to apply) that the caller
// handles before Advance. Every node is proposer, acceptor and learner.
// Standard library only: no clock, no goroutines, randomness from Config.
package paxos

import "strconv"

// Node is one Multi-Paxos server. Not safe for concurrent use.
//
// Invariants: log[i].Index == snap.Index+1+i; snap.Index <= applied <=
// commit <= lastIndex(); every slot <= commit is chosen; a chosen slot is
// never changed; promised only grows.
type Node struct {
	id, quorum int
	peers      []uint64
	cfg        Config
	d          Defects

	role     Role
	promised Ballot // minProposal; as candidate or leader, its own ballot
	lead     uint64
	maxRound uint64 // highest round seen in any ballot

	snap    Snapshot
	log     []Slot
	commit  uint64
	applied uint64 // last slot the caller applied (Advance)

	elapsed, timeout int // ticks since the leader was heard (or the campaign began); randomized bound
	hbElapsed        int
	ticks            uint64       // ticks since boot: the leader's lease clock
	lease            int          // ticks left in which Prepares from all but lead are refused (Config.Lease)
	fence            *Observation // the boot fence's ObsLease, until a Ready carries it
	cand             candidate
	ldr              leader

	out  outbox
	prev SoftState // last SoftState handed out
	// handed is the applied index the last Ready leads to, until Advance.
	handed uint64
}

// New boots a node from cfg.State.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxEntriesPerMsg == 0 {
		cfg.MaxEntriesPerMsg = defaultMaxEntries
	}
	if cfg.MaxUncommitted == 0 {
		cfg.MaxUncommitted = defaultMaxUncommitted
	}
	if cfg.MaxCatchUpMsgs == 0 {
		cfg.MaxCatchUpMsgs = defaultMaxCatchUpMsgs
	}
	st := cfg.State
	n := &Node{id: int(cfg.ID), quorum: len(cfg.Peers)/2 + 1, peers: append([]uint64(nil), cfg.Peers...),
		cfg: cfg, d: cfg.Defects, promised: st.Promised, snap: st.Snap, maxRound: st.Promised.Round()}
	n.commit, n.applied, n.handed = st.Snap.Index, st.Snap.Index, st.Snap.Index
	for _, s := range st.Slots {
		if s.Index <= n.snap.Index {
			continue
		}
		n.slotAt(s.Index) // extends the log with holes
		n.log[s.Index-n.snap.Index-1] = s
		n.maxRound = max(n.maxRound, s.Ballot.Round())
	}
	n.prev = SoftState{Role: Follower, Ballot: n.promised}
	n.holdLease(0) // it may have acked a heartbeat a leader's lease counts on before it crashed
	n.advanceCommit()
	n.resetTimer()
	return n, nil
}

func (n *Node) self() uint64 { return uint64(n.id) }

// lastIndex is the highest slot in the log (holes included).
func (n *Node) lastIndex() uint64 { return n.snap.Index + uint64(len(n.log)) }

// slotAt returns slot i (> snap.Index), extending the log with holes.
func (n *Node) slotAt(i uint64) *Slot {
	if i <= n.snap.Index {
		panic("paxos: node " + strconv.Itoa(n.id) + " slot " + strconv.FormatUint(i, 10) + " is compacted")
	}
	for n.lastIndex() < i {
		n.log = append(n.log, Slot{Index: n.lastIndex() + 1})
	}
	return &n.log[i-n.snap.Index-1]
}

// slot returns slot i if the log holds it (not compacted, not past the end).
func (n *Node) slot(i uint64) (*Slot, bool) {
	if i <= n.snap.Index || i > n.lastIndex() {
		return nil, false
	}
	return &n.log[i-n.snap.Index-1], true
}

// resetTimer restarts the election timer with a random bound in [E, 2E).
func (n *Node) resetTimer() {
	n.elapsed = 0
	n.timeout = n.cfg.ElectionTicks + n.cfg.Rand.IntN(n.cfg.ElectionTicks)
}

// Tick advances the logical clock by one tick.
func (n *Node) Tick() {
	n.elapsed++
	n.ticks++
	n.lease = max(n.lease-1, 0)
	if n.role == Leader {
		n.tickLeader()
		return
	}
	if n.elapsed >= n.timeout {
		n.campaign()
	}
}

// Step handles a message from a peer. Messages for another node or from an
// unknown one are dropped.
func (n *Node) Step(m Message) {
	if m.To != n.self() || m.From == n.self() || !n.isPeer(m.From) {
		return
	}
	n.maxRound = max(n.maxRound, m.Ballot.Round())
	switch m.Type {
	case MsgPrepare:
		n.onPrepare(m)
	case MsgAccept:
		n.onAccept(m)
	case MsgHeartbeat:
		n.onHeartbeat(m)
	case MsgCommit:
		n.onCommit(m)
	case MsgSnap:
		n.onSnap(m)
	case MsgPromise:
		n.onPromise(m)
	case MsgAccepted:
		n.onAccepted(m)
	case MsgHeartbeatResp:
		n.onHeartbeatResp(m)
	}
}

func (n *Node) isPeer(id uint64) bool {
	for _, p := range n.peers {
		if p == id {
			return true
		}
	}
	return false
}

// Propose puts cmd in the next free slot and sends it to the acceptors.
func (n *Node) Propose(cmd []byte) (index uint64, err error) {
	if n.role != Leader {
		return 0, &NotLeaderError{Leader: n.lead}
	}
	if n.ldr.next-1-n.commit >= uint64(n.cfg.MaxUncommitted) {
		return 0, ErrProposalDropped
	}
	i := n.ldr.next
	n.ldr.next++
	n.proposeAt(i, Value{Data: cmd})
	return i, nil
}

// Compact records a snapshot of the state machine at applied (data is its
// image) and drops the slots up to it. A snapshot received while the last
// Ready was out may already cover it: then nothing changes.
func (n *Node) Compact(applied uint64, data []byte) {
	if applied <= n.snap.Index && applied <= n.applied {
		return // a snapshot received since the last Ready already covers it
	}
	if applied > n.applied {
		panic("paxos: node " + strconv.Itoa(n.id) + " compaction at " + strconv.FormatUint(applied, 10) +
			" outside (" + strconv.FormatUint(n.snap.Index, 10) + ", " + strconv.FormatUint(n.applied, 10) + "]")
	}
	n.trimTo(Snapshot{Index: applied, Data: data})
}

// trimTo makes s the snapshot and drops the slots it covers.
func (n *Node) trimTo(s Snapshot) {
	keep := n.log[min(uint64(len(n.log)), s.Index-n.snap.Index):]
	n.log = append([]Slot(nil), keep...)
	n.snap = s
}

// Status is the node's observable state.
func (n *Node) Status() Status {
	return Status{ID: n.self(), Role: n.role, Promised: n.promised, Lead: n.lead,
		Commit: n.commit, Applied: n.applied, Next: n.ldr.next, Snap: n.snap.Index}
}

// Acked is the highest slot a leader knows peer id holds up to (its commit
// as last reported), ok false if the node does not lead.
func (n *Node) Acked(id uint64) (uint64, bool) {
	if n.role != Leader {
		return 0, false
	}
	if id == n.self() {
		return n.commit, true
	}
	return n.ldr.peerCommit[id], true
}

func itoa(x uint64) string { return strconv.FormatUint(x, 10) }
