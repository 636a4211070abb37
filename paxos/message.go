package paxos

import "strconv"

// MsgType is a message's kind.
type MsgType uint8

const (
	MsgPrepare       MsgType = iota + 1 // phase 1a: Ballot, Index = first slot asked for
	MsgPromise                          // phase 1b: Slots accepted from Index; Reject: Ballot is the higher promise
	MsgAccept                           // phase 2a: Slots to accept at Ballot; Commit = leader's commit
	MsgAccepted                         // phase 2b: Index..Last accepted at Ballot; Reject as Promise
	MsgHeartbeat                        // leader alive: Ballot, Commit; Index = read round (0: none)
	MsgHeartbeatResp                    // Commit = sender's commit; Index echoes the read round; Reject as Promise
	MsgCommit                           // learn: Slots chosen, for a lagging acceptor
	MsgSnap                             // learn: Snap, for an acceptor behind the leader's snapshot
)

var msgNames = [...]string{"?", "Prepare", "Promise", "Accept", "Accepted", "Heartbeat", "HeartbeatResp", "Commit", "Snap"}

func (t MsgType) String() string {
	if int(t) < len(msgNames) {
		return msgNames[t]
	}
	return "MsgType(" + strconv.Itoa(int(t)) + ")"
}

// Message is one protocol message. Every reply carries the sender's Commit,
// so a leader learns who lags.
type Message struct {
	Type     MsgType
	From, To uint64
	Ballot   Ballot // sender's ballot (replies: the ballot answered, or the higher promise if Reject)
	Index    uint64 // Prepare/Promise: first slot; Accepted: first slot acknowledged
	Last     uint64 // Accepted: last slot acknowledged; Promise: last slot the acceptor holds
	Commit   uint64
	Stamp    uint64 // Heartbeat: the leader's lease clock at sending; HeartbeatResp echoes it
	Reject   bool
	Slots    []Slot
	Snap     *Snapshot // MsgSnap, or a Promise whose sender compacted past Index
}

// Clone copies m deeply: no slice is shared with the copy.
func (m Message) Clone() Message {
	c := m
	if m.Slots != nil {
		c.Slots = make([]Slot, len(m.Slots))
		for i, s := range m.Slots {
			c.Slots[i] = s.clone()
		}
	}
	if m.Snap != nil {
		s := Snapshot{Index: m.Snap.Index, Data: append([]byte(nil), m.Snap.Data...)}
		c.Snap = &s
	}
	return c
}

func (s Slot) clone() Slot {
	if s.Value.Data != nil {
		s.Value.Data = append([]byte(nil), s.Value.Data...)
	}
	return s
}

func (m Message) String() string {
	s := m.Type.String() + " " + strconv.FormatUint(m.From, 10) + "->" + strconv.FormatUint(m.To, 10) +
		" b=" + strconv.FormatUint(m.Ballot.Round(), 10) + "." + strconv.FormatUint(m.Ballot.Node(), 10) +
		" i=" + strconv.FormatUint(m.Index, 10) + " c=" + strconv.FormatUint(m.Commit, 10)
	if m.Reject {
		s += " reject"
	}
	return s + " slots=" + strconv.Itoa(len(m.Slots))
}
