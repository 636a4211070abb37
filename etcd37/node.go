package etcdraft37

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
	"google.golang.org/protobuf/proto"
)

// node is a v3.7 RawNode behind replica.Replica (see replica/etcdraft).
type node struct {
	id  uint64
	rn  *raft.RawNode
	ms  *raft.MemoryStorage
	d   *disk
	src *seededReader
	rng replica.Rand

	rd        raft.Ready
	handing   bool
	conf      *pb.ConfState
	confIndex uint64
	leaveAt   uint64
	handed    uint64
	wantSnap  bool // etcd found the latest snapshot stale: the next Ready asks for one
	snapsTo   []uint64
	msgs      []replica.Message
	// v3.7 clones proposed entries, so their index is not learned from the
	// step: a leader's last index is counted instead. leadTerm is the term
	// it was counted from; every append a leader makes is counted: its
	// empty entry (at the self Progress' Next, set when it became leader),
	// each accepted proposal, the adapter's explicit leaves (the adapter
	// never asks for auto-leave, which etcd would append unseen).
	leadTerm, last uint64
	leadPending    uint64 // the last index before the empty entry: etcd's pendingConfIndex at becoming leader
}

// call runs f under the lock and notes a leadership won in it.
func (r *node) call(f func()) {
	locked(r.src, func() {
		f()
		r.noteLeader()
	})
}

// noteLeader starts counting a new leader's log at its empty entry.
func (r *node) noteLeader() {
	bs := r.rn.BasicStatus()
	if bs.RaftState != raft.StateLeader || bs.GetTerm() == r.leadTerm {
		return
	}
	r.leadTerm = bs.GetTerm()
	r.rn.WithProgress(func(id uint64, _ raft.ProgressType, pr tracker.Progress) {
		if id == r.id {
			r.last, r.leadPending = pr.Next, pr.Next-1 // the empty entry becomeLeader appended
		}
	})
}

func (r *node) Tick() {
	r.call(func() {
		r.rn.Tick()
		r.maybeLeaveJoint()
	})
}

func (r *node) Step(m replica.Message) {
	r.call(func() {
		err := r.rn.Step(m.(*message).m)
		if err != nil && !errors.Is(err, raft.ErrStepPeerNotFound) && !errors.Is(err, raft.ErrStepLocalMsg) &&
			!errors.Is(err, raft.ErrProposalDropped) {
			panic(fmt.Sprintf("etcd37: node %d step %v: %v", r.id, m.Header().Type, err))
		}
	})
}

func (r *node) Propose(cmd []byte) (replica.Proposal, error) {
	if err := r.mustLead(); err != nil {
		return replica.Proposal{}, err
	}
	ents := []*pb.Entry{{Type: pb.EntryNormal.Enum(), Data: cmd}}
	if err := r.propose(ents); err != nil {
		return replica.Proposal{}, err
	}
	return replica.Proposal{Index: r.last, Epoch: r.leadTerm, Hash: hashData(pb.EntryNormal, cmd)}, nil
}

// propose steps one entry as this leader's proposal and counts it.
func (r *node) propose(ents []*pb.Entry) (err error) {
	r.call(func() { err = r.stepProp(ents) })
	return err
}

// stepProp steps a proposal of one entry (under the lock); accepted, it
// is the leader's new last entry.
func (r *node) stepProp(ents []*pb.Entry) error {
	if len(ents) != 1 {
		panic(fmt.Sprintf("etcdraft37: node %d proposes %d entries, want 1", r.id, len(ents)))
	}
	err := r.rn.Step(&pb.Message{Type: pb.MsgProp.Enum(), From: proto.Uint64(r.id), Entries: ents})
	if err == nil {
		r.last++
	}
	return err
}

func (r *node) mustLead() error {
	bs := r.rn.BasicStatus()
	if bs.RaftState != raft.StateLeader {
		return &replica.NotLeaderError{Leader: bs.Lead}
	}
	return nil
}

func (r *node) ReadIndex(ctx []byte) error {
	bs := r.rn.BasicStatus()
	if bs.RaftState != raft.StateLeader && (bs.RaftState != raft.StateFollower || bs.Lead == raft.None) {
		return &replica.NotLeaderError{Leader: bs.Lead}
	}
	c := slices.Clone(ctx)
	r.call(func() { r.rn.ReadIndex(c) })
	return nil
}

// LeaseRead implements replica.Replica: never; lease reads are ReadIndex
// requests to a node running ReadOnlyLeaseBased (Caps.LeaseByReadIndex).
func (r *node) LeaseRead() (uint64, bool) { return 0, false }

func (r *node) Status() replica.Status {
	bs := r.rn.BasicStatus()
	return replica.Status{ID: r.id, Role: role(bs.RaftState), Epoch: bs.GetTerm(), Lead: bs.Lead,
		Commit: bs.GetCommit(), Applied: bs.Applied, Membership: membership(r.conf), ConfigIndex: r.confIndex}
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

func (r *node) Compact(applied uint64, data []byte) {
	snap, err := r.ms.CreateSnapshot(applied, cloneConf(r.conf), data)
	if errors.Is(err, raft.ErrSnapOutOfDate) {
		return
	}
	if err != nil {
		panic(fmt.Sprintf("etcdraft37: node %d snapshot at %d: %v", r.id, applied, err))
	}
	if err := r.ms.Compact(applied); err != nil && !errors.Is(err, raft.ErrCompacted) {
		panic(fmt.Sprintf("etcdraft37: node %d compaction at %d: %v", r.id, applied, err))
	}
	r.d.push(write{snap: snap})
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

func membership(cs *pb.ConfState) replica.Membership {
	c := cloneConf(cs)
	return replica.Membership{Voters: sorted(c.Voters), Learners: sorted(c.Learners), VotersOutgoing: sorted(c.VotersOutgoing)}
}

func logEntries(es []*pb.Entry) []replica.LogEntry {
	out := make([]replica.LogEntry, len(es))
	for i, e := range es {
		out[i] = replica.LogEntry{Index: e.GetIndex(), Epoch: e.GetTerm(), Hash: hashData(e.GetType(), e.GetData())}
	}
	return out
}

func hashData(t pb.EntryType, data []byte) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(t)})
	h.Write(data)
	return h.Sum64()
}

func cloneConf(cs *pb.ConfState) *pb.ConfState {
	if cs == nil {
		return &pb.ConfState{}
	}
	return proto.Clone(cs).(*pb.ConfState)
}

func sorted(s []uint64) []uint64 {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return s
}
