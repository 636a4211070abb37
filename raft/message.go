package raft

import "strconv"

// EntryType says how the host treats an entry when it is applied.
type EntryType uint8

const (
	// EntryNormal carries a client command in Data.
	EntryNormal EntryType = iota
	// EntryEmpty is the no-op a new leader appends at the start of its term.
	EntryEmpty
	// EntryConfChange sets the cluster configuration: Data is EncodeConfState
	// of the whole new ConfState. It takes effect when appended, not when
	// committed; hosts decode applied ones with DecodeConfState.
	EntryConfChange
)

// String names the entry type for traces.
func (t EntryType) String() string {
	switch t {
	case EntryNormal:
		return "Normal"
	case EntryEmpty:
		return "Empty"
	case EntryConfChange:
		return "ConfChange"
	}
	return "EntryType(" + strconv.Itoa(int(t)) + ")"
}

// Entry is one log entry. Index >= 1; Term >= 1.
type Entry struct {
	Term  uint64
	Index uint64
	Type  EntryType
	Data  []byte
}

// MessageType identifies a Raft RPC or its response.
type MessageType uint8

const (
	MsgVote          MessageType = iota + 1 // RequestVote
	MsgVoteResp                             // RequestVote reply
	MsgPreVote                              // Pre-Vote request, Term is the term the sender would campaign in
	MsgPreVoteResp                          // Pre-Vote reply
	MsgApp                                  // AppendEntries with entries (or empty, to carry commit / probe)
	MsgAppResp                              // AppendEntries reply
	MsgHeartbeat                            // leader liveness, carries min(match, commit)
	MsgHeartbeatResp                        // heartbeat reply
	MsgSnap                                 // InstallSnapshot
)

var msgTypeNames = [...]string{
	MsgVote: "Vote", MsgVoteResp: "VoteResp", MsgPreVote: "PreVote", MsgPreVoteResp: "PreVoteResp",
	MsgApp: "App", MsgAppResp: "AppResp", MsgHeartbeat: "Heartbeat", MsgHeartbeatResp: "HeartbeatResp",
	MsgSnap: "Snap",
}

// String names the message type for trace lines.
func (t MessageType) String() string {
	if int(t) < len(msgTypeNames) && msgTypeNames[t] != "" {
		return msgTypeNames[t]
	}
	return "MessageType(" + strconv.Itoa(int(t)) + ")"
}

// Message is one RPC between nodes. Field use by type:
//   - Vote/PreVote: Index, LogTerm = candidate's last log index and term.
//   - App: Index, LogTerm = entry preceding Entries; Commit = leader commit.
//   - AppResp: Index = highest index known to match (accept) or the rejected
//     Index (reject, with RejectHint/RejectTerm: follower's guess of the last
//     index that may match and its term).
//   - Heartbeat: Commit = min(follower match, leader commit).
//   - Snap: Snapshot, whose Data is the chunk at byte SnapOffset of the whole
//     image; SnapDone marks the last chunk (an unchunked snapshot: offset 0, done).
//   - Heartbeat: LeaseStamp = the leader's lease clock (its tick count) at
//     sending; Context = the ReadIndex context it confirms. HeartbeatResp
//     echoes both.
type Message struct {
	Type       MessageType
	From, To   uint64
	Term       uint64
	LogTerm    uint64
	Index      uint64
	Commit     uint64
	Entries    []Entry
	Reject     bool
	RejectHint uint64
	RejectTerm uint64
	Snapshot   Snapshot
	SnapOffset uint64 // Snap: byte offset of Snapshot.Data in the whole image
	SnapDone   bool   // Snap: the last chunk
	LeaseStamp uint64 // Heartbeat, HeartbeatResp: the leader's tick count at sending
	Context    []byte
}

// Clone returns a deep copy: no slice is shared with m. The entries' data
// and Context share one new array (each capped, so an append to one cannot
// reach another); empty ones clone to nil, as cloneBytes does.
func (m Message) Clone() Message {
	var c Message
	m.CloneTo(&c)
	return c
}

// CloneTo writes Clone's deep copy of m into dst (not m itself), without
// the copies of the whole struct that returning it costs. The array of
// dst.Entries is reused if it has room (a pooled message's: its old
// entries are overwritten); their data is always new.
func (m *Message) CloneTo(dst *Message) {
	ents := dst.Entries[:0]
	*dst = *m
	size := len(m.Context)
	for _, e := range m.Entries {
		size += len(e.Data)
	}
	var arena []byte
	if size > 0 {
		arena = make([]byte, 0, size)
	}
	if m.Entries != nil {
		if n := len(m.Entries); n > 0 && cap(ents) >= n {
			dst.Entries = ents[:len(m.Entries)]
		} else {
			dst.Entries = make([]Entry, len(m.Entries))
		}
		for i, e := range m.Entries {
			e.Data, arena = carve(arena, e.Data)
			dst.Entries[i] = e
		}
	}
	dst.Context, _ = carve(arena, m.Context)
	if s := &m.Snapshot; s.Data != nil || s.Metadata.ConfState.Voters != nil ||
		s.Metadata.ConfState.Learners != nil || s.Metadata.ConfState.VotersOutgoing != nil {
		dst.Snapshot = m.Snapshot.clone()
	}
}

// carve copies b to the end of arena (which has room) and returns the copy,
// capped at its length, and the arena. Empty b gives nil.
func carve(arena, b []byte) ([]byte, []byte) {
	if len(b) == 0 {
		return nil, arena
	}
	at := len(arena)
	arena = append(arena, b...)
	return arena[at:len(arena):len(arena)], arena
}

// String is a compact one-line form for traces, e.g.
// "App 1->2 t3 lt2 i5 c4 ents=2[6..7]" or "AppResp 2->1 t3 i5 reject hint=4/2".
func (m Message) String() string {
	b := make([]byte, 0, 64)
	b = append(b, m.Type.String()...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, m.From, 10)
	b = append(b, "->"...)
	b = strconv.AppendUint(b, m.To, 10)
	b = appendField(b, " t", m.Term)
	switch m.Type {
	case MsgVote, MsgPreVote, MsgApp:
		b = appendField(b, " lt", m.LogTerm)
		b = appendField(b, " i", m.Index)
	case MsgAppResp:
		b = appendField(b, " i", m.Index)
	case MsgSnap:
		b = appendField(b, " snap=", m.Snapshot.Metadata.Index)
		b = appendField(b, "/", m.Snapshot.Metadata.Term)
		if m.SnapOffset != 0 || !m.SnapDone {
			b = appendField(b, " off=", m.SnapOffset)
			b = appendField(b, " len=", uint64(len(m.Snapshot.Data)))
			if m.SnapDone {
				b = append(b, " done"...)
			}
		}
	}
	if m.Type == MsgApp || m.Type == MsgHeartbeat {
		b = appendField(b, " c", m.Commit)
	}
	if n := len(m.Entries); n > 0 {
		b = appendField(b, " ents=", uint64(n))
		b = appendField(b, "[", m.Entries[0].Index)
		b = appendField(b, "..", m.Entries[n-1].Index)
		b = append(b, ']')
	}
	if m.Reject {
		b = append(b, " reject"...)
		if m.Type == MsgAppResp {
			b = appendField(b, " hint=", m.RejectHint)
			b = appendField(b, "/", m.RejectTerm)
		}
	}
	return string(b)
}

func appendField(b []byte, name string, v uint64) []byte {
	return strconv.AppendUint(append(b, name...), v, 10)
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// voteRespType maps a vote request type to its response type.
func voteRespType(t MessageType) MessageType {
	if t == MsgPreVote {
		return MsgPreVoteResp
	}
	return MsgVoteResp
}

// HardState is what must be durable before any message of the same Ready is sent.
type HardState struct {
	Term   uint64 // current term
	Vote   uint64 // candidate voted for in Term, 0 if none
	Commit uint64 // highest index known committed
}

// IsEmpty reports whether h is the zero HardState ("unchanged" in a Ready).
func (h HardState) IsEmpty() bool { return h == HardState{} }

// SnapshotMetadata locates a snapshot in the log.
type SnapshotMetadata struct {
	Index     uint64    // last index covered by the snapshot
	Term      uint64    // term of that entry
	ConfState ConfState // configuration at Index; empty means Config.Peers
}

// Snapshot is a state machine image covering the log up to Metadata.Index.
type Snapshot struct {
	Data     []byte
	Metadata SnapshotMetadata
}

// IsEmpty reports whether s carries no snapshot.
func (s Snapshot) IsEmpty() bool { return s.Metadata.Index == 0 }

func (s Snapshot) clone() Snapshot {
	c := s
	c.Data = cloneBytes(s.Data)
	c.Metadata.ConfState = s.Metadata.ConfState.clone()
	return c
}
