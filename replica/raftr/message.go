package raftr

import (
	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// message is a raft.Message as a replica.Message. s is the slab its clones
// come from (its sender's).
type message struct {
	m raft.Message
	s *slab
}

// Clone implements replica.Message: a deep copy, from the sender's slab.
func (x *message) Clone() replica.Message {
	c := x.s.get()
	c.m, c.s = x.m.Clone(), x.s
	return c
}

// Release implements replica.Releaser: the record goes back to its slab.
func (x *message) Release() {
	if s := x.s; s != nil {
		*x = message{}
		s.recycled = append(s.recycled, x)
	}
}

// slab hands out message records: released ones first, else a chunk at a
// time. The network clones every message it carries; one allocation per
// clone was a quarter of a run's allocations. Invariant: a record is in
// recycled at most once, and then referenced by nothing else.
type slab struct {
	free     []message
	recycled []*message
}

const slabChunk = 32 // messages per allocation

func (s *slab) get() *message {
	if s == nil {
		return new(message)
	}
	if n := len(s.recycled); n > 0 {
		m := s.recycled[n-1]
		s.recycled = s.recycled[:n-1]
		return m
	}
	if len(s.free) == 0 {
		s.free = make([]message, slabChunk)
	}
	m := &s.free[0]
	s.free = s.free[1:]
	return m
}

func (x *message) Header() replica.Header {
	m := &x.m
	return replica.Header{Kind: kinds[m.Type], Type: m.Type.String(), From: m.From, To: m.To,
		Epoch: m.Term, Index: m.Index, LogEpoch: m.LogTerm, Commit: m.Commit, Entries: len(m.Entries), Reject: m.Reject}
}

var kinds = [...]replica.MsgKind{
	raft.MsgVote: replica.MsgVote, raft.MsgVoteResp: replica.MsgVoteResp,
	raft.MsgPreVote: replica.MsgPreVote, raft.MsgPreVoteResp: replica.MsgPreVoteResp,
	raft.MsgApp: replica.MsgAppend, raft.MsgAppResp: replica.MsgAppendResp,
	raft.MsgHeartbeat: replica.MsgHeartbeat, raft.MsgHeartbeatResp: replica.MsgHeartbeatResp,
	raft.MsgSnap: replica.MsgSnapshot,
}
