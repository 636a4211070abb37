package raftr

import (
	"errors"
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// node is a raft.Node behind replica.Replica. Ready writes the batch to the
// disk (unsynced) as it hands it out, as the host's first step used to.
type node struct {
	n       *raft.Node
	d       *disk
	rd      raft.Ready     // the Ready handed out, until Advance
	conf    raft.ConfState // configuration at the last entry handed out to apply
	members memberCache    // Status's configuration in world ids (ids.go)
	pending bool           // a Ready is handed out, Advance not yet called
	seen    handed         // what the Readies have handed out (idle.go)
	// maxEntries is Config.MaxEntries, or raft's default for 0: the bound
	// asserted on every Append (views).
	maxEntries int
	// buf, msgs, committed and appended are reused between Readies: a
	// Ready's slices are the host's until Advance (the network sends clones).
	buf       []message
	msgs      []replica.Message
	committed []replica.Entry
	appended  []replica.LogEntry
	free      []*message // stepped messages, for clones (message.go)
	confs     confSeen   // the newest configuration entry on the disk (confcheck.go)
}

func (r *node) Tick() { r.n.Tick() }

// Step hands raft a copy of the message (raft keeps none of its struct, only
// its entries), then reuses the struct for a later clone.
func (r *node) Step(m replica.Message) {
	x := m.(*message)
	if err := r.n.Step(*x.msg()); err != nil && !errors.Is(err, raft.ErrInvalidMessage) {
		panic(fmt.Sprintf("raftr: node %d step %s: %v", r.n.Status().ID, x.msg(), err))
	}
	r.recycle(x)
}

func (r *node) Propose(cmd []byte) (replica.Proposal, error) {
	index, term, err := r.n.Propose(cmd)
	if err != nil {
		return replica.Proposal{}, notLeader(err)
	}
	return replica.Proposal{Index: index, Epoch: term, Hash: hashData(raft.EntryNormal, cmd)}, nil
}

func (r *node) ReadIndex(ctx []byte) error { return notLeader(r.n.ReadIndex(ctx)) }

func (r *node) LeaseRead() (uint64, bool) { return r.n.LeaseRead() }

func (r *node) ChangeConfig(c replica.ConfigChange) (uint64, error) {
	cc := raft.ConfChange{Simple: c.Simple}
	for _, s := range c.Steps {
		cc.Changes = append(cc.Changes, raft.ConfChangeSingle{Type: stepTypes[s.Type], NodeID: raftID(s.Node)})
	}
	idx, _, err := r.n.ProposeConfChange(cc)
	if errors.Is(err, raft.ErrInvalidConfChange) {
		return 0, replica.ErrConfigRejected
	}
	return idx, notLeader(err)
}

var stepTypes = [...]raft.ConfChangeType{replica.AddVoter: raft.ConfAddVoter,
	replica.AddLearner: raft.ConfAddLearner, replica.RemoveNode: raft.ConfRemoveNode}

// notLeader maps raft's *NotLeaderError to the contract's.
func notLeader(err error) error {
	if err == nil {
		return nil // before errors.As, whose target escapes to the heap
	}
	var nl *raft.NotLeaderError
	if errors.As(err, &nl) {
		return &replica.NotLeaderError{Leader: worldID(nl.Leader)}
	}
	return err
}

// Ready takes raft's Ready, writes it to the disk and converts it.
func (r *node) Ready() replica.Ready {
	rd := r.n.Ready()
	r.rd, r.pending = rd, true
	r.checkFull(&rd)
	out := replica.Ready{MustSync: rd.MustSync, Epoch: rd.HardState.Term, Commit: rd.HardState.Commit}
	if s := rd.SoftState; s != nil {
		out.Role = &replica.RoleChange{Role: role(s.Role), Epoch: r.n.Status().Term, Lead: worldID(s.Lead)}
	}
	r.checkMustSync(&rd)
	rescan := !rd.Snapshot.IsEmpty() || len(rd.Entries) > 0 && rd.Entries[0].Index <= r.d.lastIndex()
	if !rd.Snapshot.IsEmpty() {
		r.d.installSnapshot(rd.Snapshot)
		m := rd.Snapshot.Metadata
		out.Snapshot = &replica.Snapshot{Index: m.Index, Epoch: m.Term, Data: rd.Snapshot.Data, Membership: membership(m.ConfState)}
		r.conf = m.ConfState
	}
	r.d.write(rd.HardState, rd.Entries)
	r.checkConfig(rd.Entries, rescan)
	if len(rd.Entries) > 0 {
		r.appended = appendLogEntries(r.appended[:0], rd.Entries)
		out.Appended = r.appended
	}
	r.views(rd.Messages)
	out.Messages = r.msgs
	if len(rd.CommittedEntries) > 0 {
		r.committed = r.committed[:0]
		for _, e := range rd.CommittedEntries {
			r.committed = append(r.committed, r.entry(e))
		}
		out.Committed = r.committed
	}
	for _, s := range rd.ReadStates {
		out.Reads = append(out.Reads, replica.ReadState{Index: s.Index, Ctx: s.Ctx})
	}
	r.checkStepDown()
	return out
}

// views sets r.msgs to views of msgs. A view's struct is set in place: it
// uses only view and pool (m stays zero), and appending a whole message
// (raft.Message inside) per view cost more than the rest of Ready.
func (r *node) views(msgs []raft.Message) {
	if n := len(msgs); cap(r.buf) < n {
		r.buf = make([]message, n)
	}
	r.buf, r.msgs = r.buf[:len(msgs)], r.msgs[:0]
	for i := range msgs {
		m := &msgs[i]
		if m.Type == raft.MsgSnap && len(m.Snapshot.Data) > snapshotChunkBytes {
			// The core promised chunks of at most MaxSnapshotChunkBytes.
			panic(fmt.Sprintf("raft: invariant broken: snapshot chunk of %d bytes to %d, MaxSnapshotChunkBytes %d",
				len(m.Snapshot.Data), m.To, snapshotChunkBytes))
		}
		if m.Type == raft.MsgApp && len(m.Entries) > r.maxEntries {
			// ... and Appends of at most MaxEntriesPerMsg entries.
			panic(fmt.Sprintf("raft: invariant broken: append of %d entries to %d, MaxEntriesPerMsg %d",
				len(m.Entries), m.To, r.maxEntries))
		}
		v := &r.buf[i]
		v.view, v.pool = m, r
		r.msgs = append(r.msgs, v)
	}
}

// checkMustSync asserts the Ready contract the world relies on for
// durability: entries, a snapshot, or a new term or vote must be synced
// before the messages leave (MustSync). The world syncs every Ready, so a
// MustSync missing where it is due would otherwise go unseen (make mutate:
// raft/ready.go:76). Called before the disk takes rd's hard state.
func (r *node) checkMustSync(rd *raft.Ready) {
	hs := rd.HardState
	due := len(rd.Entries) > 0 || !rd.Snapshot.IsEmpty() ||
		(!hs.IsEmpty() && (hs.Term != r.d.hard.Term || hs.Vote != r.d.hard.Vote))
	if due && !rd.MustSync {
		panic(fmt.Sprintf("raft: invariant broken: a Ready with %d entries, snapshot %d, hard state %+v (persisted %+v) does not ask to sync",
			len(rd.Entries), rd.Snapshot.Metadata.Index, hs, r.d.hard))
	}
}

// checkStepDown asserts the core's rule that a leader the newest
// configuration removes leads only until that configuration commits
// (thesis §4.2.2), the step down happening in the step that commits it.
func (r *node) checkStepDown() {
	st := r.n.Status()
	if st.Role != raft.Leader || st.ConfigIndex > st.Commit ||
		slices.Contains(st.Config.Voters, st.ID) || slices.Contains(st.Config.VotersOutgoing, st.ID) {
		return
	}
	panic(fmt.Sprintf("raft: invariant broken: leader %d of term %d still leads after configuration %d without it committed (commit %d)",
		st.ID, st.Term, st.ConfigIndex, st.Commit))
}

// entry converts a committed entry; a configuration entry moves r.conf.
func (r *node) entry(e raft.Entry) replica.Entry {
	out := replica.Entry{Index: e.Index, Epoch: e.Term, Data: e.Data, Hash: hashData(e.Type, e.Data)}
	switch {
	case e.Type == raft.EntryConfChange:
		cs, err := raft.DecodeConfState(e.Data)
		if err != nil {
			panic(fmt.Sprintf("raftr: node %d committed a configuration entry %d that does not decode: %v",
				r.n.Status().ID, e.Index, err))
		}
		r.conf = cs
		m := membership(cs)
		out.Kind, out.Membership = replica.EntryConfig, &m
	case e.Type != raft.EntryNormal || len(e.Data) == 0:
		out.Kind = replica.EntryNoop
	}
	return out
}

func (r *node) Advance() { r.n.Advance(r.rd); r.rd, r.pending = raft.Ready{}, false }

func (r *node) Status() replica.Status {
	st := r.n.Status()
	return replica.Status{ID: worldID(st.ID), Role: role(st.Role), Epoch: st.Term, Lead: worldID(st.Lead),
		Commit: st.Commit, Applied: st.Applied, Membership: r.members.of(st.Config), ConfigIndex: st.ConfigIndex}
}

func (r *node) Match(id uint64) (uint64, bool) { return r.n.Match(raftID(id)) }

func (r *node) Compact(applied uint64, data []byte) { r.d.compact(applied, r.conf, data) }

func role(x raft.Role) replica.Role {
	switch x {
	case raft.Leader:
		return replica.Leader
	case raft.Candidate, raft.PreCandidate:
		return replica.Candidate
	}
	return replica.Follower
}

func membership(cs raft.ConfState) replica.Membership {
	return replica.Membership{Voters: mapIDs(cs.Voters, worldID), Learners: mapIDs(cs.Learners, worldID),
		VotersOutgoing: mapIDs(cs.VotersOutgoing, worldID)}
}

// logEntry identifies a raft entry for log checkers.
func logEntry(e raft.Entry) replica.LogEntry {
	return replica.LogEntry{Index: e.Index, Epoch: e.Term, Hash: hashData(e.Type, e.Data)}
}

func logEntries(es []raft.Entry) []replica.LogEntry { return appendLogEntries(nil, es) }

func appendLogEntries(dst []replica.LogEntry, es []raft.Entry) []replica.LogEntry {
	for _, e := range es {
		dst = append(dst, logEntry(e))
	}
	return dst
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashData is FNV-1a over an entry's type and data (hash/fnv's New64a, inline:
// no allocation per entry).
func hashData(t raft.EntryType, data []byte) uint64 {
	h := (uint64(fnvOffset) ^ uint64(byte(t))) * fnvPrime
	for _, c := range data {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}
