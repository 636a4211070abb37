package raft

import (
	"errors"
	"slices"
)

func (n *Node) propose(data []byte) (uint64, uint64, error) {
	if n.role != Leader {
		return 0, 0, &NotLeaderError{Leader: n.lead}
	}
	if n.log.lastIndex()-n.log.committed >= uint64(n.cfg.MaxUncommittedEntries) {
		return 0, 0, ErrProposalDropped
	}
	n.appendEntries(Entry{Type: EntryNormal, Data: cloneBytes(data)})
	n.bcastAppend()
	idx := n.log.lastIndex()
	n.afterLeaderCommit()
	return idx, n.term, nil
}

// appendEntries stamps ents with the leader's term and the next indices and
// appends them: a leader only ever appends, never overwrites (§5.3).
func (n *Node) appendEntries(ents ...Entry) {
	li := n.log.lastIndex()
	for i := range ents {
		ents[i].Term, ents[i].Index = n.term, li+1+uint64(i)
	}
	n.log.append(ents...)
	if slices.ContainsFunc(ents, func(e Entry) bool { return e.Type == EntryConfChange }) {
		n.syncProgress()
		n.recheckReads()
	}
	n.prs[n.id].maybeUpdate(n.log.lastIndex())
	n.maybeCommit()
}

// maybeCommit commits the highest index a majority (of both halves while
// joint) stores, if it is from the current term (§5.4.2: earlier-term
// entries commit only indirectly).
func (n *Node) maybeCommit() bool {
	mci := n.quorumMatch()
	if mci <= n.log.committed {
		return false
	}
	if t, _ := n.log.term(mci); t != n.term && !n.cfg.Defects.CommitOldTerm {
		return false
	}
	n.log.commitTo(mci)
	return true
}

func (n *Node) bcastAppend() {
	for _, p := range n.log.conf().members {
		if p != n.id {
			n.maybeSendAppend(p, true)
		}
	}
}

// bcastHeartbeat stamps each heartbeat with the lease clock and the context
// of the newest pending ReadIndex request, which its acks confirm.
func (n *Node) bcastHeartbeat() {
	var ctx []byte
	if k := len(n.reads); k > 0 && !n.reads[k-1].deferred {
		ctx = n.reads[k-1].ctx
	}
	for _, p := range n.log.conf().members {
		if p != n.id {
			// Never tell a follower to commit past what it is known to store.
			c := min(n.prs[p].match, n.log.committed)
			// ctx is shared, as entries' data are: a read's ctx is never written.
			n.send(Message{To: p, Type: MsgHeartbeat, Commit: c, LeaseStamp: n.ticks, Context: ctx})
		}
	}
}

// maybeSendAppend sends the follower its next batch (or an empty App if
// sendIfEmpty), or a snapshot if its next entries are compacted. False if
// nothing was sent (paused, or nothing to send).
func (n *Node) maybeSendAppend(to uint64, sendIfEmpty bool) bool {
	pr := n.prs[to]
	if pr == nil || pr.isPaused() { // nil: a configuration just appended removed it
		return false
	}
	prevTerm, errT := n.log.term(pr.next - 1)
	ents, errE := n.log.entriesFrom(pr.next, n.cfg.MaxEntriesPerMsg)
	if errors.Is(errT, ErrCompacted) || errors.Is(errE, ErrCompacted) {
		return n.sendSnapshot(to, pr)
	}
	if errT != nil || (len(ents) == 0 && !sendIfEmpty) {
		return false
	}
	n.send(Message{To: to, Type: MsgApp, Index: pr.next - 1, LogTerm: prevTerm,
		Entries: ents, Commit: n.log.committed})
	pr.sentEntries(pr.next-1+uint64(len(ents)), len(ents))
	return true
}

func (n *Node) sendSnapshot(to uint64, pr *progress) bool {
	snap, err := n.log.snapshot()
	if errors.Is(err, ErrSnapshotTemporarilyUnavailable) {
		return false
	}
	mustStorage(err, "Snapshot")
	if snap.IsEmpty() {
		panic("raft: log compacted but storage has no snapshot")
	}
	n.sendSnapshotChunks(to, snap)
	pr.becomeSnapshot(snap.Metadata.Index)
	return true
}

// followLeader is the common part of handling App, Heartbeat and Snap from
// the leader of our term.
func (n *Node) followLeader(from uint64) {
	if n.role == Leader {
		panic("raft: invariant broken: two leaders in term " + u64(n.term) + ": " + u64(n.id) + " and " + u64(from))
	}
	if n.role != Follower {
		n.becomeFollower(n.term, from)
	}
	n.electionElapsed = 0
	n.lead = from
}

// handleApp is the follower's AppendEntries (§5.3). Entries that match are
// never truncated, so stale, duplicate or reordered Apps are harmless.
func (n *Node) handleApp(m Message) {
	n.followLeader(m.From)
	if m.Index < n.log.committed {
		n.send(Message{To: m.From, Type: MsgAppResp, Index: n.log.committed})
		return
	}
	if !n.appendApp(m) {
		n.holdEarly(m)
		n.rejectApp(m)
		return
	}
	n.drainEarly()
}

// holdEarly keeps an App of this term's leader that arrived ahead of a gap
// (its previous entry is beyond our log: the Apps before it are late or
// lost), at most MaxInflightMsgs of them, so that once the gap fills it is
// stepped again instead of resent: with one entry per message a network
// that reorders a window would otherwise make every window a reject and a
// probe (seed 82653 of raft: 100 entries a second, commit stalled 26 s).
// Stepping it later is a late duplicate delivery, which Raft tolerates; the
// reject already sent still tells the leader of a real loss.
func (n *Node) holdEarly(m Message) {
	if len(m.Entries) == 0 || m.Index <= n.log.lastIndex() || len(n.early) >= n.cfg.MaxInflightMsgs {
		return
	}
	m.Entries = slices.Clone(m.Entries) // the caller's array is reused; the data are new per message
	n.early = append(n.early, m)
}

// drainEarly steps the held Apps our log now reaches until none does (each step drops or passes one).
func (n *Node) drainEarly() {
	for i := 0; i < len(n.early); {
		m := n.early[i]
		switch {
		case m.Index < n.log.committed:
			n.early = slices.Delete(n.early, i, i+1) // handleApp would only re-ack commit
		case m.Index <= n.log.lastIndex():
			n.early = slices.Delete(n.early, i, i+1)
			if n.appendApp(m) { // a mismatch was answered when it arrived
				i = 0
			}
		default:
			i++
		}
	}
}

// appendApp is the consistency check and append of App m, the follower's
// commit and its ack; false (nothing done) if the check fails.
func (n *Node) appendApp(m Message) bool {
	lastnewi, ok := n.log.maybeAppend(m.Index, m.LogTerm, m.Entries)
	if !ok {
		return false
	}
	if n.cfg.Defects.TruncateOnMatch && len(m.Entries) > 0 {
		n.log.append(m.Entries...)
	}
	commit := min(m.Commit, lastnewi)
	if n.cfg.Defects.FollowerCommitLeader {
		commit = min(m.Commit, n.log.lastIndex())
	}
	n.log.commitTo(commit)
	n.send(Message{To: m.From, Type: MsgAppResp, Index: lastnewi})
	return true
}

// rejectApp answers a failed consistency check with a hint: the last index
// that may match (§5.3 optimisation: skip a whole term per round trip).
func (n *Node) rejectApp(m Message) {
	hint := min(m.Index, n.log.lastIndex())
	hint, hintTerm := n.log.findConflictByTerm(hint, m.LogTerm)
	n.send(Message{To: m.From, Type: MsgAppResp, Index: m.Index, Reject: true,
		RejectHint: hint, RejectTerm: hintTerm})
}

// activePeer is the leader's progress of a responding member, marked
// recently active; nil when this node does not lead or m.From is no member.
func (n *Node) activePeer(m Message) *progress {
	if n.role != Leader {
		return nil
	}
	pr := n.prs[m.From]
	if pr != nil {
		pr.recentActive = true
	}
	return pr
}

func (n *Node) handleAppResp(m Message) {
	pr := n.activePeer(m)
	if pr == nil {
		return
	}
	if m.Reject {
		n.handleAppReject(m, pr)
		return
	}
	idx := m.Index
	if n.cfg.Defects.MatchFromLogLen {
		idx = n.log.lastIndex()
	}
	wasPaused := pr.isPaused()
	if !pr.maybeUpdate(idx) {
		return
	}
	switch {
	case pr.state == stateProbe:
		pr.becomeReplicate()
	case pr.state == stateSnapshot && pr.match >= pr.pendingSnapshot:
		pr.becomeReplicate()
	case pr.state == stateReplicate:
		pr.inflights.freeLE(idx)
	}
	if n.maybeCommit() {
		n.bcastAppend()
		if n.afterLeaderCommit(); n.role != Leader {
			return
		}
	} else if wasPaused {
		n.maybeSendAppend(m.From, true)
	}
	for i := 0; i < n.cfg.MaxInflightMsgs && n.maybeSendAppend(m.From, false); i++ {
	}
}

func (n *Node) handleAppReject(m Message, pr *progress) {
	hint := m.RejectHint
	if m.RejectTerm > 0 {
		hint, _ = n.log.findConflictByTerm(m.RejectHint, m.RejectTerm)
	}
	if pr.maybeDecrTo(m.Index, hint) {
		if pr.state == stateReplicate {
			pr.becomeProbe()
		}
		n.maybeSendAppend(m.From, true)
	}
}

func (n *Node) handleHeartbeat(m Message) {
	n.followLeader(m.From)
	n.log.commitTo(m.Commit)
	n.send(Message{To: m.From, Type: MsgHeartbeatResp, LeaseStamp: m.LeaseStamp, Context: m.Context})
}

func (n *Node) handleHeartbeatResp(m Message) {
	pr := n.activePeer(m)
	if pr == nil {
		return
	}
	pr.probeSent = false
	if m.LeaseStamp <= n.ticks {
		pr.leaseStamp = max(pr.leaseStamp, m.LeaseStamp)
	}
	if len(m.Context) > 0 {
		n.readAck(m.From, m.Context)
	}
	switch {
	case pr.state == stateReplicate && pr.inflights.full():
		pr.inflights.freeFirst() // an App may have been lost: let one more through
	case pr.state == stateSnapshot:
		pr.becomeProbe() // the snapshot may have been lost: probe, which resends it if needed
	}
	if pr.match < n.log.lastIndex() {
		n.maybeSendAppend(m.From, true)
	}
}

// handleSnap installs a leader's snapshot (InstallSnapshot) once all its
// chunks arrived. A follower never rolls back: a snapshot at or below commit
// is ignored, and one whose last entry we already hold only advances commit,
// keeping the matching suffix.
func (n *Node) handleSnap(m Message) {
	n.followLeader(m.From)
	snap, complete := n.assembleSnap(m)
	if !complete {
		return
	}
	s := snap.Metadata
	switch {
	case n.cfg.Defects.SnapshotRollback && s.Index < n.log.applied:
		n.log.restore(snap)
	case s.Index <= n.log.committed:
	case n.log.matchTerm(s.Index, s.Term) && !n.cfg.Defects.SnapshotDropsSuffix:
		n.log.commitTo(s.Index)
	default:
		n.logf("restoring snapshot " + u64(s.Index) + "/" + u64(s.Term))
		n.log.restore(snap)
		n.early = nil
	}
	n.send(Message{To: m.From, Type: MsgAppResp, Index: n.log.committed})
}
