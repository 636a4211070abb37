package paxosr

import (
	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
)

// message is a paxos.Message as a replica.Message.
type message struct{ m paxos.Message }

func (x *message) Clone() replica.Message { return &message{m: x.m.Clone()} }

// Header: a Prepare asks for a vote, a Promise grants or refuses one; an
// Accept appends (Index: its first slot) and an Accepted acknowledges
// (Index: its highest slot).
func (x *message) Header() replica.Header {
	m := &x.m
	index := m.Index
	if m.Type == paxos.MsgAccept && len(m.Slots) > 0 {
		index = m.Slots[0].Index
	}
	return replica.Header{Kind: kinds[m.Type], Type: m.Type.String(), From: m.From, To: m.To,
		Epoch: uint64(m.Ballot), Index: index, Commit: m.Commit, Entries: len(m.Slots), Reject: m.Reject}
}

var kinds = [...]replica.MsgKind{
	paxos.MsgPrepare: replica.MsgVote, paxos.MsgPromise: replica.MsgVoteResp,
	paxos.MsgAccept: replica.MsgAppend, paxos.MsgAccepted: replica.MsgAppendResp,
	paxos.MsgHeartbeat: replica.MsgHeartbeat, paxos.MsgHeartbeatResp: replica.MsgHeartbeatResp,
	paxos.MsgCommit: replica.MsgOther, paxos.MsgSnap: replica.MsgSnapshot,
}
