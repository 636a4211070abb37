package raftr

import (
	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// message is a raft.Message as a replica.Message. A Ready's messages are
// views (view points into raft's outbox, valid until Advance, so handing
// them out copies nothing); a clone owns its copy in m. pool is the node
// whose free list a clone's struct comes from (nil: allocate); Step returns
// a delivered message to the receiver's list. The struct and its Entries
// array are reused (raft copies the entries of a stepped message into its
// log and keeps only their data); a clone always gets fresh data.
type message struct {
	m    raft.Message
	view *raft.Message
	pool *node
}

// msg is the raft message x carries.
func (x *message) msg() *raft.Message {
	if x.view != nil {
		return x.view
	}
	return &x.m
}

// maxFreeMessages bounds a node's free list of message structs, and
// maxPooledEntries the Entries array one of them keeps (64 B an entry).
const (
	maxFreeMessages  = 1024
	maxPooledEntries = 64
)

func (x *message) Clone() replica.Message {
	var c *message
	if p := x.pool; p != nil && len(p.free) > 0 {
		c, p.free = p.free[len(p.free)-1], p.free[:len(p.free)-1]
	} else {
		c = new(message)
	}
	x.msg().CloneTo(&c.m)
	c.view, c.pool = nil, x.pool
	return c
}

// recycle puts a clone that was stepped on r's free list (a view is a
// Ready's: never).
func (r *node) recycle(x *message) {
	if x.view == nil && len(r.free) < maxFreeMessages {
		ents := x.m.Entries
		if cap(ents) > maxPooledEntries {
			ents = nil
		}
		clear(ents[:cap(ents)]) // nothing reachable from the list (the data is raft's now)
		*x = message{m: raft.Message{Entries: ents[:0]}}
		r.free = append(r.free, x)
	}
}

func (x *message) Header() replica.Header {
	m := x.msg()
	return replica.Header{Kind: kinds[m.Type], Type: m.Type.String(), From: worldID(m.From), To: worldID(m.To),
		Epoch: m.Term, Index: m.Index, LogEpoch: m.LogTerm, Commit: m.Commit, Entries: len(m.Entries), Reject: m.Reject}
}

var kinds = [...]replica.MsgKind{
	raft.MsgVote: replica.MsgVote, raft.MsgVoteResp: replica.MsgVoteResp,
	raft.MsgPreVote: replica.MsgPreVote, raft.MsgPreVoteResp: replica.MsgPreVoteResp,
	raft.MsgApp: replica.MsgAppend, raft.MsgAppResp: replica.MsgAppendResp,
	raft.MsgHeartbeat: replica.MsgHeartbeat, raft.MsgHeartbeatResp: replica.MsgHeartbeatResp,
	raft.MsgSnap: replica.MsgSnapshot,
}
