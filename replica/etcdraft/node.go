package etcdraft

import (
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
)

// node is a RawNode behind replica.Replica. Ready writes the batch to the
// MemoryStorage and (unsynced) to the disk as it hands it out.
type node struct {
	id     uint64
	rn     *raft.RawNode
	ms     *raft.MemoryStorage
	d      *disk
	src    *seededReader // etcd's draws (rand.go)
	rng    replica.Rand  // the adapter's own choices (explicit or automatic leave)
	defect defectSet

	rd      raft.Ready // the Ready handed out, until Advance
	handing bool       // rd is handed out and not advanced
	split   *raft.Ready
	// conf is the configuration at the last entry handed out to apply;
	// confIndex the index of the newest configuration entry the node has
	// handed out, proposed or appended (Status.ConfigIndex).
	conf      raftpb.ConfState
	confIndex uint64
	leaveAt   uint64   // an explicit leave was proposed at this index (0: none)
	snapsTo   []uint64 // peers a MsgSnap of rd goes to: reported on Advance
	handed    uint64   // last index handed out to apply (or restored from a snapshot)
	wantSnap  bool     // etcd found the latest snapshot stale: the next Ready asks for one
	early     uint64   // commit-on-append: last index handed out before etcd committed it
	// buf and msgs are reused between Readies: a Ready's messages are the
	// host's until Advance (the network sends clones).
	buf  []message
	msgs []replica.Message
}

func (r *node) call(f func()) { locked(r.src, f) }

func (r *node) Tick() {
	r.call(func() {
		r.rn.Tick()
		r.maybeLeaveJoint()
	})
}

// Step hands a peer's message to etcd; a message from a peer it does not
// track, or a local type off the network, is dropped (etcd's errors).
func (r *node) Step(m replica.Message) {
	r.call(func() {
		err := r.rn.Step(m.(*message).m)
		if err != nil && !errors.Is(err, raft.ErrStepPeerNotFound) && !errors.Is(err, raft.ErrStepLocalMsg) &&
			!errors.Is(err, raft.ErrProposalDropped) {
			panic(fmt.Sprintf("etcd: node %d step %v: %v", r.id, m.Header().Type, err))
		}
	})
}

// Propose steps a MsgProp itself, as RawNode.Propose does, to learn where
// the leader put the entry: etcd sets Index and Term on the message's entries.
func (r *node) Propose(cmd []byte) (replica.Proposal, error) {
	if err := r.mustLead(); err != nil {
		return replica.Proposal{}, err
	}
	ents := []raftpb.Entry{{Type: raftpb.EntryNormal, Data: cmd}}
	if err := r.propose(ents); err != nil {
		return replica.Proposal{}, err
	}
	return replica.Proposal{Index: ents[0].Index, Epoch: ents[0].Term, Hash: hashData(raftpb.EntryNormal, cmd)}, nil
}

// propose steps ents as a proposal of this node (the leader).
func (r *node) propose(ents []raftpb.Entry) (err error) {
	r.call(func() { err = r.rn.Step(raftpb.Message{Type: raftpb.MsgProp, From: r.id, Entries: ents}) })
	if err == nil && ents[0].Index == 0 {
		panic(fmt.Sprintf("etcd: node %d accepted a proposal without placing it", r.id))
	}
	return err
}

// mustLead is nil on a leader, else the contract's *NotLeaderError.
func (r *node) mustLead() error {
	bs := r.rn.BasicStatus()
	if bs.RaftState != raft.StateLeader {
		return &replica.NotLeaderError{Leader: bs.Lead}
	}
	return nil
}

// ReadIndex asks for a read index (ReadOnlySafe, or ReadOnlyLeaseBased with
// Config.LeaseReads); a follower forwards it to the leader it knows, as
// etcd's server does.
func (r *node) ReadIndex(ctx []byte) error {
	bs := r.rn.BasicStatus()
	if bs.RaftState != raft.StateLeader && (bs.RaftState != raft.StateFollower || bs.Lead == raft.None) {
		return &replica.NotLeaderError{Leader: bs.Lead}
	}
	c := append([]byte(nil), ctx...)
	r.call(func() { r.rn.ReadIndex(c) })
	return nil
}

// LeaseRead implements replica.Replica: never; lease reads are ReadIndex
// requests to a node running ReadOnlyLeaseBased (Caps.LeaseByReadIndex).
func (r *node) LeaseRead() (uint64, bool) { return 0, false }

func (r *node) Status() replica.Status {
	bs := r.rn.BasicStatus()
	return replica.Status{ID: r.id, Role: role(bs.RaftState), Epoch: bs.Term, Lead: bs.Lead,
		Commit: bs.Commit, Applied: bs.Applied, Membership: membership(r.conf), ConfigIndex: r.confIndex}
}

func (r *node) Match(id uint64) (index uint64, ok bool) {
	if r.rn.BasicStatus().RaftState != raft.StateLeader {
		return 0, false
	}
	r.rn.WithProgress(func(pid uint64, _ raft.ProgressType, pr tracker.Progress) {
		if pid == id {
			index, ok = pr.Match, true
		}
	})
	return index, ok
}

// Compact snapshots the state machine at applied on the MemoryStorage and
// trims its log; on the disk, the snapshot and the trim are two writes.
func (r *node) Compact(applied uint64, data []byte) {
	cs := cloneConf(r.conf)
	snap, err := r.ms.CreateSnapshot(applied, &cs, data)
	if errors.Is(err, raft.ErrSnapOutOfDate) {
		return
	}
	if err != nil {
		panic(fmt.Sprintf("etcdraft: node %d snapshot at %d: %v", r.id, applied, err))
	}
	if err := r.ms.Compact(applied); err != nil && !errors.Is(err, raft.ErrCompacted) {
		panic(fmt.Sprintf("etcdraft: node %d compaction at %d: %v", r.id, applied, err))
	}
	r.d.push(write{snap: &snap})
	r.d.push(write{trim: applied})
	r.d.snaps++
}

func role(s raft.StateType) replica.Role {
	switch s {
	case raft.StateLeader:
		return replica.Leader
	case raft.StateCandidate, raft.StatePreCandidate:
		return replica.Candidate
	}
	return replica.Follower
}

func membership(cs raftpb.ConfState) replica.Membership {
	c := cloneConf(cs)
	return replica.Membership{Voters: sorted(c.Voters), Learners: sorted(c.Learners), VotersOutgoing: sorted(c.VotersOutgoing)}
}

func logEntries(es []raftpb.Entry) []replica.LogEntry {
	out := make([]replica.LogEntry, len(es))
	for i, e := range es {
		out[i] = replica.LogEntry{Index: e.Index, Epoch: e.Term, Hash: hashData(e.Type, e.Data)}
	}
	return out
}

// hashData is FNV-1a over an entry's type and data.
func hashData(t raftpb.EntryType, data []byte) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(t)})
	h.Write(data)
	return h.Sum64()
}
