package raftr

import (
	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// message is a raft.Message as a replica.Message.
type message struct{ m raft.Message }

func (x *message) Clone() replica.Message { return &message{m: x.m.Clone()} }

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
