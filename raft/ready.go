package raft

// SoftState is volatile state worth reporting (nil in a Ready if unchanged).
type SoftState struct {
	Lead uint64
	Role Role
}

// Ready is the output of a Node. The host must handle it in this order:
//
//  1. If Snapshot is not empty, persist it (it replaces the whole log).
//  2. Persist Entries with truncation semantics: an entry at index i
//     replaces the stored entry at i and everything after it. Persist
//     HardState if not empty. If MustSync, make both durable (fsync).
//  3. Only then send Messages (a vote or an AppendEntries reply must not leave
//     before the term, vote and entries it vouches for are durable).
//  4. Apply CommittedEntries in order (they may include entries of this same
//     Ready's Entries, which step 2 made durable). An EntryConfChange carries
//     the new ConfState (DecodeConfState); Raft already acts on it.
//  5. Answer each of ReadStates once Index is applied.
//  6. Call Advance(rd).
//
// Ready must not be called again before Advance. Tick, Step and Propose may be
// called in between; Advance only acknowledges what rd carried. The Messages
// slice is the host's until Advance, which reuses its array for later
// messages: a host that keeps a message past Advance copies it (the structs;
// their Entries are never overwritten). After a
// restart, CommittedEntries replay from the storage's snapshot index + 1: the
// host restores its state machine from Storage.Snapshot first.
type Ready struct {
	SoftState        *SoftState
	HardState        HardState   // zero if unchanged
	Entries          []Entry     // to persist, truncating from Entries[0].Index
	Snapshot         Snapshot    // to persist, empty if none
	CommittedEntries []Entry     // to apply, at most 1024
	Messages         []Message   // to send after persisting
	ReadStates       []ReadState // confirmed ReadIndex requests
	MustSync         bool        // Entries, Snapshot, term or vote changed: sync before sending

	unstableGen uint64 // log truncations seen when rd was built
	selfVote    uint64 // the candidate term whose own vote rd persists (0: none)
}

func (n *Node) hasReady() bool {
	if n.readyPending {
		return false
	}
	u := &n.log.unstable
	return n.softState() != n.prevSoft || n.hardState() != n.prevHard || len(u.entries) > 0 ||
		u.snapshot != nil || len(n.msgs) > 0 || n.log.hasNextCommitted() || len(n.readStates) > 0
}

func (n *Node) ready() Ready {
	if n.readyPending {
		panic("raft: Ready called again before Advance")
	}
	u := &n.log.unstable
	rd := Ready{
		Entries:          u.entries[:len(u.entries):len(u.entries)],
		CommittedEntries: n.log.nextCommitted(maxCommittedPerReady),
		Messages:         n.msgs,
		ReadStates:       n.readStates,
		unstableGen:      u.gen,
	}
	if ss := n.softState(); ss != n.prevSoft {
		changed := ss // declared here: allocated only when it changed
		rd.SoftState = &changed
		n.prevSoft = ss
	}
	hs := n.hardState()
	if hs != n.prevHard {
		rd.HardState = hs
	}
	if n.selfVote != 0 && hs.Term == n.selfVote && hs.Vote == n.id {
		rd.selfVote = n.selfVote
	}
	if u.snapshot != nil {
		rd.Snapshot = u.snapshot.clone()
	}
	rd.MustSync = len(rd.Entries) > 0 || !rd.Snapshot.IsEmpty() ||
		hs.Term != n.prevHard.Term || hs.Vote != n.prevHard.Vote
	n.msgs, n.spareMsgs, n.readStates = n.spareMsgs, nil, nil
	n.readyPending = true
	return rd
}

func (n *Node) advance(rd Ready) {
	if !n.readyPending {
		panic("raft: Advance without a pending Ready")
	}
	n.readyPending = false
	if cap(rd.Messages) > cap(n.spareMsgs) && cap(rd.Messages) <= maxSpareMsgs {
		clear(rd.Messages) // drop what they reference
		n.spareMsgs = rd.Messages[:0]
	}
	if !rd.HardState.IsEmpty() {
		n.prevHard = rd.HardState
	}
	if i := rd.Snapshot.Metadata.Index; i > 0 {
		n.log.unstable.stableSnapTo(i)
		n.log.applied = max(n.log.applied, i)
	}
	if k := len(rd.Entries); k > 0 && rd.unstableGen == n.log.unstable.gen {
		n.log.unstable.stableTo(rd.Entries[k-1].Index, rd.Entries[k-1].Term)
	}
	if k := len(rd.CommittedEntries); k > 0 {
		n.log.appliedTo(rd.CommittedEntries[k-1].Index)
	}
	if t := rd.selfVote; t != 0 && t == n.selfVote && t == n.term && n.role == Candidate {
		n.selfVote = 0
		n.poll(n.id, true) // our vote is durable now; a single-node cluster wins here
	}
}
