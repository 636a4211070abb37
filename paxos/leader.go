package paxos

import "math/bits"

// tickLeader sends heartbeats (with retransmissions of unacknowledged
// slots) every HeartbeatTicks and steps down if a majority was not heard
// from in an election timeout.
func (n *Node) tickLeader() {
	l := &n.ldr
	l.hbTicks++
	l.quorumAt++
	if l.quorumAt >= n.cfg.ElectionTicks {
		l.quorumAt = 0
		if bits.OnesCount64(l.active) < n.quorum {
			n.stepDown()
			return
		}
		l.active = bit(n.self())
	}
	n.hbElapsed++
	if n.hbElapsed >= n.cfg.HeartbeatTicks {
		n.heartbeat()
		n.retransmit()
	}
}

// heartbeat tells every peer the leader lives and its commit index.
func (n *Node) heartbeat() {
	n.hbElapsed = 0
	for _, p := range n.peers {
		if p != n.self() {
			n.send(Message{Type: MsgHeartbeat, To: p, Ballot: n.promised, Commit: n.commit, Stamp: n.ticks})
		}
	}
}

// flushUnsent sends the slots proposed since the last Ready to every peer,
// MaxEntriesPerMsg to an Accept.
func (n *Node) flushUnsent() {
	l := &n.ldr
	if n.role != Leader || len(l.unsent) == 0 {
		l.unsent = nil
		return
	}
	var batch []Slot
	for _, i := range l.unsent {
		if s, ok := n.slot(i); ok && !s.Chosen && s.Ballot == n.promised {
			batch = append(batch, Slot{Index: i, Ballot: s.Ballot, Value: s.Value})
		}
	}
	l.unsent = nil
	for len(batch) > 0 {
		k := min(len(batch), n.cfg.MaxEntriesPerMsg)
		for _, p := range n.peers {
			if p != n.self() {
				n.send(Message{Type: MsgAccept, To: p, Ballot: n.promised, Commit: n.commit, Slots: batch[:k:k]})
			}
		}
		batch = batch[k:]
	}
}

// retransmit resends to each peer the unchosen slots it has not
// acknowledged, one Accept of at most MaxEntriesPerMsg slots per peer.
func (n *Node) retransmit() {
	for _, p := range n.peers {
		if p == n.self() {
			continue
		}
		var batch []Slot
		for i := n.commit + 1; i < n.ldr.next && len(batch) < n.cfg.MaxEntriesPerMsg; i++ {
			a, ok := n.ldr.acks[i]
			if !ok || a&bit(p) != 0 {
				continue
			}
			if s, ok := n.slot(i); ok && s.Ballot == n.promised {
				batch = append(batch, Slot{Index: i, Ballot: s.Ballot, Value: s.Value})
			}
		}
		if len(batch) > 0 {
			n.send(Message{Type: MsgAccept, To: p, Ballot: n.promised, Commit: n.commit, Slots: batch})
		}
	}
}

// catchUp sends a peer whose commit index lags the chosen slots after it,
// in a window of at most MaxCatchUpMsgs Commit messages of MaxEntriesPerMsg
// slots each, or the snapshot if the leader compacted them. One window is
// in flight per peer: the next leaves when the reply shows the last one
// landed, or after a heartbeat interval.
func (n *Node) catchUp(p, peerCommit uint64) {
	l := &n.ldr
	if peerCommit >= n.commit {
		return
	}
	if peerCommit < l.sentUpTo[p] && l.hbTicks-l.sentAt[p] < n.cfg.HeartbeatTicks {
		return // the last catch-up may still be on its way
	}
	l.sentAt[p] = l.hbTicks
	if peerCommit < n.snap.Index {
		s := n.snap
		l.sentUpTo[p] = s.Index
		n.send(Message{Type: MsgSnap, To: p, Ballot: n.promised, Commit: n.commit, Snap: &s})
		return
	}
	per := uint64(n.cfg.MaxEntriesPerMsg)
	hi := min(n.commit, peerCommit+per*uint64(n.cfg.MaxCatchUpMsgs))
	if n.d.CatchUpEmpty {
		hi = peerCommit // the defect: the Commit carries no slot
	}
	for lo := peerCommit; ; lo += per { // at least one message, bounded by the window
		m := Message{Type: MsgCommit, To: p, Ballot: n.promised, Commit: n.commit}
		for i := lo + 1; i <= min(hi, lo+per); i++ {
			s, _ := n.slot(i)
			m.Slots = append(m.Slots, *s)
		}
		n.send(m)
		if lo+per >= hi {
			break
		}
	}
	l.sentUpTo[p] = hi
}
