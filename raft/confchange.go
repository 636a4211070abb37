package raft

import (
	"errors"
	"slices"
)

// ConfState is a cluster configuration. Voters elect and commit; Learners
// only receive the log. While VotersOutgoing is non-empty the configuration
// is joint (C_old,new, §4.3 of the thesis): VotersOutgoing is C_old, Voters
// is C_new, and every decision (election, commit, CheckQuorum, ReadIndex,
// lease) needs a majority of each. All three lists are sorted and disjoint
// except that Voters and VotersOutgoing may overlap.
type ConfState struct {
	Voters         []uint64
	Learners       []uint64
	VotersOutgoing []uint64
}

// IsJoint reports whether cs is a joint configuration.
func (cs ConfState) IsJoint() bool { return len(cs.VotersOutgoing) > 0 }

// IsEmpty reports whether cs has no voters: in a SnapshotMetadata it means
// "the initial Config.Peers".
func (cs ConfState) IsEmpty() bool { return len(cs.Voters) == 0 }

func (cs ConfState) clone() ConfState {
	return ConfState{Voters: slices.Clone(cs.Voters), Learners: slices.Clone(cs.Learners),
		VotersOutgoing: slices.Clone(cs.VotersOutgoing)}
}

// ConfChangeType is one kind of membership change.
type ConfChangeType uint8

const (
	// ConfAddVoter adds a voter, or promotes a learner to voter.
	ConfAddVoter ConfChangeType = iota + 1
	// ConfAddLearner adds a learner. Demoting a voter is refused.
	ConfAddLearner
	// ConfRemoveNode removes a voter or a learner.
	ConfRemoveNode
)

// ConfChangeSingle is one member added or removed.
type ConfChangeSingle struct {
	Type   ConfChangeType
	NodeID uint64
}

// ConfChange is one membership change proposed with ProposeConfChange. It
// may add and remove several members. If the voters change, the leader
// appends C_old,new (joint) and, once that commits, C_new by itself
// (auto-leave). A change that touches only learners is applied directly.
// Simple applies a change of at most one voter directly, without the joint
// phase (single-server change, thesis §4.1).
type ConfChange struct {
	Changes []ConfChangeSingle
	Simple  bool
}

// confAt is a configuration and the index of the entry (or snapshot) that set it.
type confAt struct {
	index   uint64
	cs      ConfState
	members []uint64 // sorted union of Voters, VotersOutgoing and Learners
}

func newConfAt(index uint64, cs ConfState) confAt {
	m := slices.Concat(cs.Voters, cs.VotersOutgoing, cs.Learners)
	slices.Sort(m)
	return confAt{index: index, cs: cs, members: slices.Compact(m)}
}

// apply returns the configuration cc leads to from cs (joint unless only
// learners change or cc.Simple), or ErrInvalidConfChange (wrapped).
func (cs ConfState) apply(cc ConfChange) (ConfState, error) {
	if len(cc.Changes) == 0 {
		return ConfState{}, ccErr("no changes")
	}
	voters, learners := slices.Clone(cs.Voters), slices.Clone(cs.Learners)
	for _, ch := range cc.Changes {
		id := ch.NodeID
		if id == 0 {
			return ConfState{}, ccErr("node id 0 is reserved")
		}
		switch ch.Type {
		case ConfAddVoter:
			learners = remove(learners, id)
			voters = insert(voters, id)
		case ConfAddLearner:
			if slices.Contains(voters, id) {
				return ConfState{}, ccErr("demoting voter " + u64(id) + " to learner is not supported")
			}
			learners = insert(learners, id)
		case ConfRemoveNode:
			if !slices.Contains(voters, id) && !slices.Contains(learners, id) {
				return ConfState{}, ccErr("node " + u64(id) + " is not a member")
			}
			voters, learners = remove(voters, id), remove(learners, id)
		default:
			return ConfState{}, ccErr("unknown change type " + itoa(int(ch.Type)))
		}
	}
	if len(voters) == 0 {
		return ConfState{}, ccErr("no voters left")
	}
	next := ConfState{Voters: voters, Learners: slices.Clip(learners)}
	if len(learners) == 0 {
		next.Learners = nil
	}
	switch d := symDiff(cs.Voters, voters); {
	case d == 0:
	case cc.Simple && d > 1:
		return ConfState{}, ccErr("a simple change alters " + itoa(d) + " voters, at most 1 allowed")
	case !cc.Simple:
		next.VotersOutgoing = slices.Clone(cs.Voters)
	}
	return next, nil
}

func insert(s []uint64, id uint64) []uint64 {
	if i, ok := slices.BinarySearch(s, id); !ok {
		s = slices.Insert(s, i, id)
	}
	return s
}

func remove(s []uint64, id uint64) []uint64 {
	if i, ok := slices.BinarySearch(s, id); ok {
		s = slices.Delete(s, i, i+1)
	}
	return s
}

// symDiff counts ids in exactly one of the sorted sets a and b.
func symDiff(a, b []uint64) int {
	d := 0
	for _, x := range a {
		if !slices.Contains(b, x) {
			d++
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			d++
		}
	}
	return d
}

// majority reports whether the ids in voters for which yes holds are a
// majority of voters; an empty set (no outgoing half) always agrees.
func majority(voters []uint64, yes func(uint64) bool) bool {
	k := 0
	for _, v := range voters {
		if yes(v) {
			k++
		}
	}
	return len(voters) == 0 || k >= len(voters)/2+1
}

// hasQuorum reports whether yes holds for a majority of the current
// configuration: of both halves while joint.
func (n *Node) hasQuorum(yes func(uint64) bool) bool {
	cs := n.log.conf().cs
	return majority(cs.Voters, yes) && majority(cs.VotersOutgoing, yes)
}

// quorumMatch is the highest index a majority (of both halves) stores.
func (n *Node) quorumMatch() uint64 {
	cs := n.log.conf().cs
	if n.cfg.Defects.JointQuorumNewOnlyCommit {
		return n.majorityMatch(cs.Voters)
	}
	return min(n.majorityMatch(cs.Voters), n.majorityMatch(cs.VotersOutgoing))
}

// majorityMatch is the highest index a majority of voters stores (no voters:
// the maximum, so that min ignores the half). Up to 16 voters it sorts on the
// stack: it runs on every append reply.
func (n *Node) majorityMatch(voters []uint64) uint64 {
	if len(voters) == 0 {
		return ^uint64(0)
	}
	var small [16]uint64
	m := small[:0]
	if len(voters) > len(small) {
		m = make([]uint64, 0, len(voters))
	}
	for _, v := range voters {
		m = append(m, n.prs[v].match)
	}
	slices.Sort(m)
	return m[len(m)-(len(m)/2+1)]
}

// isVoter reports whether id votes in the current configuration (either half).
func (n *Node) isVoter(id uint64) bool {
	cs := n.log.conf().cs
	return slices.Contains(cs.Voters, id) || slices.Contains(cs.VotersOutgoing, id)
}

// committedInTerm reports whether the leader committed an entry of its term:
// until then an earlier leader's uncommitted entries (a configuration among
// them) may still commit.
func (n *Node) committedInTerm() bool {
	t, err := n.log.term(n.log.committed)
	return err == nil && t == n.term
}

func (n *Node) proposeConfChange(cc ConfChange) (uint64, uint64, error) {
	if n.role != Leader {
		return 0, 0, &NotLeaderError{Leader: n.lead}
	}
	cur := n.log.conf()
	if cur.index > n.log.committed || cur.cs.IsJoint() {
		return 0, 0, &detailError{ErrConfChangePending, "configuration entry " + u64(cur.index) + " not yet committed or left"}
	}
	next, err := cur.cs.apply(cc)
	if err != nil {
		return 0, 0, err
	}
	early := !n.committedInTerm()
	if cc.Simple && n.cfg.Defects.SingleServerUnsafe {
		early = false
	}
	if early {
		return 0, 0, &detailError{ErrConfChangePending, "no entry of term " + u64(n.term) + " committed yet"}
	}
	n.appendEntries(Entry{Type: EntryConfChange, Data: EncodeConfState(next)})
	n.bcastAppend()
	idx := n.log.lastIndex()
	n.afterLeaderCommit()
	return idx, n.term, nil
}

// syncProgress gives the leader a progress for every member of the
// configuration just appended and drops those of removed members.
func (n *Node) syncProgress() {
	members := n.log.conf().members
	last := n.log.lastIndex()
	for _, id := range members {
		if n.prs[id] == nil {
			n.prs[id] = &progress{next: last, inflights: newInflight(n.cfg.MaxInflightMsgs)}
		}
	}
	for id := range n.prs {
		if id != n.id && !slices.Contains(members, id) {
			delete(n.prs, id) // order-free: only deletes
		}
	}
}

// afterLeaderCommit runs on a leader whose commit index may have advanced:
// it leaves a committed joint configuration (auto-leave: the leader appends
// C_new itself), steps down once a configuration without it commits, and
// releases deferred ReadIndex requests.
func (n *Node) afterLeaderCommit() {
	if n.role != Leader {
		return
	}
	cur := n.log.conf()
	if cur.cs.IsJoint() && cur.index <= n.log.committed {
		left := ConfState{Voters: cur.cs.Voters, Learners: cur.cs.Learners}
		n.appendEntries(Entry{Type: EntryConfChange, Data: EncodeConfState(left)})
		n.bcastAppend()
		cur = n.log.conf()
	}
	if !n.isVoter(n.id) && cur.index <= n.log.committed {
		n.logf("removed by configuration " + u64(cur.index) + ", stepping down")
		n.becomeFollower(n.term, 0)
		return
	}
	n.releaseDeferredReads()
}

// EncodeConfState is the Data of an EntryConfChange: the whole configuration
// the entry sets (not a delta), as uvarint counts and ids.
func EncodeConfState(cs ConfState) []byte {
	var b []byte
	for _, s := range [][]uint64{cs.Voters, cs.Learners, cs.VotersOutgoing} {
		b = appendUvarint(b, uint64(len(s)))
		for _, id := range s {
			b = appendUvarint(b, id)
		}
	}
	return b
}

// DecodeConfState decodes the Data of an EntryConfChange; hosts call it on
// applied configuration entries. ErrInvalidConfChange (wrapped) if malformed.
func DecodeConfState(data []byte) (ConfState, error) {
	var lists [3][]uint64
	for k := range lists {
		cnt, rest, ok := readUvarint(data)
		if !ok || cnt > uint64(len(rest)) {
			return ConfState{}, ccErr("malformed configuration entry")
		}
		data = rest
		for range cnt {
			var id uint64
			if id, data, ok = readUvarint(data); !ok {
				return ConfState{}, ccErr("malformed configuration entry")
			}
			lists[k] = append(lists[k], id)
		}
	}
	if len(data) != 0 {
		return ConfState{}, ccErr("trailing bytes in configuration entry")
	}
	return ConfState{Voters: lists[0], Learners: lists[1], VotersOutgoing: lists[2]}, nil
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func readUvarint(b []byte) (uint64, []byte, bool) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, b[i+1:], true
		}
	}
	return 0, nil, false
}

func ccErr(detail string) error { return &detailError{ErrInvalidConfChange, detail} }

// Configuration tracking in the log. A configuration entry takes effect when
// appended (thesis §4.1), so the log keeps base (the configuration in force
// at or below committed: from the snapshot, Config.Peers or a committed
// entry) and confs, the uncommitted configuration entries in log order.
// Truncating the log drops the confs it removes; committing folds them into base.

// conf is the configuration in force: the last one appended.
func (l *raftLog) conf() *confAt {
	if k := len(l.confs); k > 0 {
		return &l.confs[k-1]
	}
	return &l.base
}

// trackConfs records the configuration entries among ents, just appended
// from ents[0].Index on.
func (l *raftLog) trackConfs(ents []Entry) {
	for len(l.confs) > 0 && l.confs[len(l.confs)-1].index >= ents[0].Index {
		l.confs = l.confs[:len(l.confs)-1]
	}
	for _, e := range ents {
		if e.Type == EntryConfChange {
			cs, err := DecodeConfState(e.Data)
			if err != nil {
				panic("raft: configuration entry " + u64(e.Index) + ": " + err.Error())
			}
			l.confs = append(l.confs, newConfAt(e.Index, cs))
		}
	}
}

// foldConfs moves committed configuration entries into base.
func (l *raftLog) foldConfs() {
	k := 0
	for k < len(l.confs) && l.confs[k].index <= l.committed {
		l.base = l.confs[k]
		k++
	}
	if k > 0 {
		l.confs = slices.Delete(l.confs, 0, k)
	}
}

// restoreConf sets the configuration from a snapshot (empty: Config.Peers).
func (l *raftLog) restoreConf(s SnapshotMetadata) {
	cs := s.ConfState.clone()
	if cs.IsEmpty() {
		cs = ConfState{Voters: slices.Clone(l.peers)}
	}
	l.base, l.confs = newConfAt(s.Index, cs), nil
}

// replayConfs rebuilds the configuration after a restart from the storage's
// snapshot and the configuration entries of its log, read in bounded pages.
func (l *raftLog) replayConfs() {
	snap, err := l.storage.Snapshot()
	if err != nil && !errors.Is(err, ErrSnapshotTemporarilyUnavailable) {
		mustStorage(err, "Snapshot")
	}
	first := l.firstIndex()
	snap.Metadata.Index = first - 1
	l.restoreConf(snap.Metadata)
	const page = 1024
	for lo, last := first, l.lastIndex(); lo <= last; lo += page {
		ents, err := l.slice(lo, min(lo+page, last+1), 0)
		mustStorage(err, "Entries(replay)")
		l.trackConfs(ents)
	}
}
