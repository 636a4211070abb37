package etcdraft

import (
	"slices"
	"strings"

	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3/raftpb"
)

// message is a raftpb.Message as a replica.Message.
type message struct{ m raftpb.Message }

// Clone copies the slices a receiver could keep; entry data and snapshot
// images are never written after they are made, so they are shared.
func (x *message) Clone() replica.Message {
	c := x.m
	c.Entries = slices.Clone(c.Entries)
	c.Context = slices.Clone(c.Context)
	c.Responses = nil
	if c.Snapshot != nil {
		s := *c.Snapshot
		c.Snapshot = &s
	}
	return &message{m: c}
}

// Header names the type without etcd's "Msg" prefix ("App", "Vote"), the
// names our Raft's traces use, so trace readers see one vocabulary.
func (x *message) Header() replica.Header {
	m := &x.m
	return replica.Header{Kind: kindOf(m.Type), Type: strings.TrimPrefix(m.Type.String(), "Msg"), From: m.From, To: m.To,
		Epoch: m.Term, Index: m.Index, LogEpoch: m.LogTerm, Commit: m.Commit, Entries: len(m.Entries), Reject: m.Reject}
}

func kindOf(t raftpb.MessageType) replica.MsgKind {
	switch t {
	case raftpb.MsgVote:
		return replica.MsgVote
	case raftpb.MsgVoteResp:
		return replica.MsgVoteResp
	case raftpb.MsgPreVote:
		return replica.MsgPreVote
	case raftpb.MsgPreVoteResp:
		return replica.MsgPreVoteResp
	case raftpb.MsgApp:
		return replica.MsgAppend
	case raftpb.MsgAppResp:
		return replica.MsgAppendResp
	case raftpb.MsgHeartbeat:
		return replica.MsgHeartbeat
	case raftpb.MsgHeartbeatResp:
		return replica.MsgHeartbeatResp
	case raftpb.MsgSnap:
		return replica.MsgSnapshot
	}
	return replica.MsgOther
}
