package paxos

// The acceptor and learner side: "two promises, one reply". An acceptor
// no longer answers a Prepare whose ballot is <= its promise, nor accepts
// an Accept whose ballot is < it; it answers a Prepare with every value it
// accepted from the slot asked for on. Promises and accepts are persisted in
// the batch whose messages carry the replies, so they are durable first.

// onPrepare is phase 1b.
func (n *Node) onPrepare(m Message) {
	if n.lease > 0 && m.From != n.lead && !n.d.PrepareInLease {
		return // in a leader's lease: as if it never arrived
	}
	refuse := m.Ballot <= n.promised
	if n.d.PrepareEqualID {
		refuse = m.Ballot < n.promised
	}
	if refuse {
		n.send(Message{Type: MsgPromise, To: m.From, Ballot: n.promised, Index: m.Index, Commit: n.commit, Reject: true})
		return
	}
	n.persistPromise(m.Ballot)
	n.follow(m.From)
	r := Message{Type: MsgPromise, To: m.From, Ballot: m.Ballot, Index: m.Index, Last: n.lastIndex(), Commit: n.commit}
	if m.Index <= n.snap.Index {
		s := n.snap
		r.Snap = &s
	}
	for i := max(m.Index, n.snap.Index+1); i <= n.lastIndex(); i++ {
		if s, _ := n.slot(i); s.Ballot != 0 || s.Chosen {
			r.Slots = append(r.Slots, *s)
		}
	}
	n.reply(r, Observation{Kind: ObsPromise, Node: n.self(), Ballot: m.Ballot, Index: n.ticks})
}

// follow makes the node a follower of lead, its election timer restarted.
func (n *Node) follow(lead uint64) {
	if n.role != Follower {
		n.stepDown()
	}
	n.lead = lead
	n.resetTimer()
}

// stepDown ends a campaign or a leadership.
func (n *Node) stepDown() {
	n.role, n.lead = Follower, 0
	n.cand, n.ldr = candidate{}, leader{}
	n.resetTimer()
}

// onAccept is phase 2b, slot by slot, then the commit the leader reports.
func (n *Node) onAccept(m Message) {
	if m.Ballot < n.promised && !n.d.AcceptLast && !n.d.AcceptFirst {
		n.send(Message{Type: MsgAccepted, To: m.From, Ballot: n.promised, Commit: n.commit, Reject: true})
		return
	}
	if m.Ballot >= n.promised {
		n.persistPromise(m.Ballot)
		n.follow(m.From)
		n.holdLease(m.Ballot)
	}
	r := Message{Type: MsgAccepted, To: m.From, Ballot: m.Ballot}
	var obs []Observation
	for _, in := range m.Slots {
		vouch := Observation{Kind: ObsAccept, Node: n.self(), Index: in.Index, Ballot: m.Ballot, Value: in.Value}
		if in.Index > n.snap.Index {
			s := n.slotAt(in.Index)
			switch {
			case s.Chosen && !sameValue(s.Value, in.Value) && !n.d.AcceptLast:
				continue // not the chosen value: never acknowledged
			case s.Chosen && !n.d.AcceptLast: // acknowledged: it is the chosen value
			case n.d.AcceptFirst && s.Ballot != 0:
				s.Ballot = max(s.Ballot, m.Ballot) // keeps its first value, acknowledges the new one
				vouch.Ballot, vouch.Value = s.Ballot, s.Value
				n.persistSlot(s)
			default:
				s.Ballot, s.Value = m.Ballot, in.Value
				n.persistSlot(s)
			}
		} // else compacted: chosen and applied, and a leader re-proposes only the chosen value
		obs = append(obs, vouch)
		r.Slots = append(r.Slots, Slot{Index: in.Index})
		r.Index = max(r.Index, in.Index)
	}
	if m.Ballot >= n.promised {
		n.learnCommit(m.Ballot, m.Commit)
	}
	r.Commit = n.commit
	n.reply(r, obs...)
}

// onHeartbeat follows a leader of a ballot at least the promised one and
// learns its commit index.
func (n *Node) onHeartbeat(m Message) {
	if m.Ballot < n.promised {
		n.send(Message{Type: MsgHeartbeatResp, To: m.From, Ballot: n.promised, Commit: n.commit, Reject: true})
		return
	}
	n.persistPromise(m.Ballot)
	n.follow(m.From)
	n.holdLease(m.Ballot)
	n.learnCommit(m.Ballot, m.Commit)
	n.send(Message{Type: MsgHeartbeatResp, To: m.From, Ballot: m.Ballot, Commit: n.commit, Index: m.Index, Stamp: m.Stamp})
}

// learnCommit marks chosen the slots up to commit that hold a value accepted
// in ballot b: the leader of b proposes one value per slot, and a leader's
// commit index covers only chosen slots (Ongaro's firstUnchosenIndex rule).
func (n *Node) learnCommit(b Ballot, commit uint64) {
	for i := n.commit + 1; i <= min(commit, n.lastIndex()); i++ {
		if s, _ := n.slot(i); !s.Chosen && s.Ballot == b {
			n.choose(s)
		}
	}
	n.advanceCommit()
}

// choose marks s chosen with the value it holds.
func (n *Node) choose(s *Slot) {
	s.Chosen = true
	n.persistSlot(s)
	n.observe(Observation{Kind: ObsChosen, Node: n.self(), Index: s.Index, Ballot: s.Ballot, Value: s.Value})
}

// onCommit learns chosen values from a node that knows them. A chosen value
// is a fact of the whole system, whatever ballot carries it.
func (n *Node) onCommit(m Message) {
	for _, in := range m.Slots {
		if in.Index <= n.snap.Index || !in.Chosen {
			continue
		}
		s := n.slotAt(in.Index)
		if s.Chosen {
			continue
		}
		s.Ballot, s.Value = max(s.Ballot, in.Ballot), in.Value
		n.choose(s)
	}
	n.advanceCommit()
	n.send(Message{Type: MsgHeartbeatResp, To: m.From, Ballot: m.Ballot, Commit: n.commit})
}

// onSnap installs a leader's snapshot past the commit index.
func (n *Node) onSnap(m Message) {
	if m.Snap != nil && m.Snap.Index > n.commit {
		n.installSnapshot(*m.Snap)
	}
	n.send(Message{Type: MsgHeartbeatResp, To: m.From, Ballot: m.Ballot, Commit: n.commit})
}

// installSnapshot replaces the slots up to s.Index with the image s.
func (n *Node) installSnapshot(s Snapshot) {
	n.trimTo(s)
	n.commit = s.Index
	n.out.snap = &s
	n.advanceCommit()
}

// advanceCommit moves the commit index over the chosen slots after it:
// only the contiguous prefix, a hole blocks it.
func (n *Node) advanceCommit() {
	if n.d.ApplyPastHole {
		n.fillHolesBelowChosen()
	}
	for {
		s, ok := n.slot(n.commit + 1)
		if !ok || !s.Chosen {
			break
		}
		n.commit++
	}
	if n.role == Leader && n.ldr.next <= n.commit {
		n.ldr.next = n.commit + 1 // learned from elsewhere: never propose into a chosen slot
	}
}

// fillHolesBelowChosen is the ApplyPastHole defect: unchosen slots below
// the highest chosen one are taken as chosen no-ops.
func (n *Node) fillHolesBelowChosen() {
	top := uint64(0)
	for i := len(n.log) - 1; i >= 0; i-- {
		if n.log[i].Chosen {
			top = n.log[i].Index
			break
		}
	}
	for i := n.commit + 1; i < top; i++ {
		if s, _ := n.slot(i); !s.Chosen {
			s.Value = Value{Noop: true}
			n.choose(s)
		}
	}
}

func sameValue(a, b Value) bool {
	return a.Noop == b.Noop && string(a.Data) == string(b.Data)
}
