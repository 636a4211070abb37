package paxos

import "math/bits"

// The proposer side. A candidate runs phase 1 once for every slot past its
// commit index; with a majority of promises it re-proposes each slot in
// (commit, max] with the value of the highest ballot reported (a chosen
// value as it is, a hole as a no-op), then leads: new commands go straight
// to phase 2.

// candidate is the state of a phase 1 in progress.
type candidate struct {
	promises uint64          // bit id: promised our ballot
	best     map[uint64]Slot // slot -> highest-ballot (or chosen) value reported
	max      uint64          // highest slot any promise reported
}

// leader is the state of a leadership.
type leader struct {
	next       uint64            // next free slot
	acks       map[uint64]uint64 // unchosen slot -> bit id: accepted our ballot
	peerCommit map[uint64]uint64 // peer -> commit index it last reported
	sentUpTo   map[uint64]uint64 // peer -> highest slot a catch-up sent it
	sentAt     map[uint64]int    // peer -> hbTicks when the last catch-up left
	active     uint64            // bit id: heard from since the last quorum check
	quorumAt   int               // ticks since the last quorum check
	hbTicks    int               // ticks led, for catch-up pacing
	unsent     []uint64          // slots proposed since the last Ready, to send
	reads      []readReq         // reads awaiting confirmation, in request order
	readSeq    uint64            // last heartbeat round sent for a read
	stamps     map[uint64]uint64 // peer -> lease stamp of the newest heartbeat it acked in our ballot
}

func bit(id uint64) uint64 { return 1 << id }

// campaign starts phase 1 with a ballot above every one seen.
func (n *Node) campaign() {
	b := MakeBallot(max(n.maxRound, n.promised.Round())+1, n.self())
	n.stepDown()
	n.persistPromise(b)
	n.role = Candidate
	n.cand = candidate{best: map[uint64]Slot{}}
	from := n.commit + 1
	for _, p := range n.peers {
		if p != n.self() {
			n.send(Message{Type: MsgPrepare, To: p, Ballot: b, Index: from, Commit: n.commit})
		}
	}
	// Our own promise, durable in the batch that sends the Prepares.
	own := Message{From: n.self(), Ballot: b, Index: from, Last: n.lastIndex(), Commit: n.commit}
	for i := from; i <= n.lastIndex(); i++ {
		if s, _ := n.slot(i); s.Ballot != 0 || s.Chosen {
			own.Slots = append(own.Slots, *s)
		}
	}
	n.observe(Observation{Kind: ObsPromise, Node: n.self(), Ballot: b, Index: n.ticks})
	n.gather(own)
}

// onPromise counts a promise for our ballot; a refusal with a higher one
// ends the campaign (the timer's random backoff starts the next).
func (n *Node) onPromise(m Message) {
	if m.Reject {
		n.outbid(m.Ballot)
		return
	}
	if n.role != Candidate || m.Ballot != n.promised {
		return // a promise for an older ballot of ours
	}
	if m.Snap != nil && m.Snap.Index > n.commit {
		n.installSnapshot(*m.Snap)
	}
	n.gather(m)
}

// outbid handles a refusal: someone promised a higher ballot.
func (n *Node) outbid(b Ballot) {
	n.maxRound = max(n.maxRound, b.Round())
	if n.role != Follower && b > n.promised {
		n.stepDown()
	}
}

// gather merges one promise; a majority makes the node leader.
func (n *Node) gather(m Message) {
	c := &n.cand
	if c.promises&bit(m.From) != 0 {
		return
	}
	c.promises |= bit(m.From)
	c.max = max(c.max, m.Last)
	for _, s := range m.Slots {
		if b, ok := c.best[s.Index]; !ok || (!b.Chosen && (s.Chosen || s.Ballot > b.Ballot)) {
			if !n.d.ProposerIgnoresAccepted || m.From == n.self() {
				c.best[s.Index] = s
			}
		}
	}
	if bits.OnesCount64(c.promises) >= n.quorum {
		n.becomeLeader()
	}
}

// becomeLeader re-proposes every slot in (commit, max] and then leads.
func (n *Node) becomeLeader() {
	c := n.cand
	n.role, n.lead, n.cand = Leader, n.self(), candidate{}
	n.ldr = leader{next: max(c.max, n.commit) + 1, acks: map[uint64]uint64{}, peerCommit: map[uint64]uint64{},
		sentUpTo: map[uint64]uint64{}, sentAt: map[uint64]int{}, stamps: map[uint64]uint64{}, active: bit(n.self())}
	if n.d.SkipRecovery {
		n.ldr.next = n.commit + 1
	} else {
		for i := n.commit + 1; i <= c.max; i++ {
			v := Value{Noop: true} // a hole no acceptor of the majority filled
			if s, ok := c.best[i]; ok {
				v = s.Value
			}
			n.proposeAt(i, v)
		}
	}
	n.heartbeat()
}

// proposeAt accepts v at slot i in our ballot and queues the Accepts.
func (n *Node) proposeAt(i uint64, v Value) {
	s := n.slotAt(i)
	if s.Chosen {
		return // already chosen: followers learn it by catch-up
	}
	s.Ballot, s.Value = n.promised, v
	n.persistSlot(s)
	n.observe(Observation{Kind: ObsAccept, Node: n.self(), Index: i, Ballot: n.promised, Value: v})
	n.ldr.acks[i] = bit(n.self())
	n.ldr.unsent = append(n.ldr.unsent, i)
	n.countAcks(i)
}

// countAcks chooses slot i once a majority accepted it in our ballot.
func (n *Node) countAcks(i uint64) {
	if bits.OnesCount64(n.ldr.acks[i]) < n.quorum {
		return
	}
	delete(n.ldr.acks, i)
	if s, ok := n.slot(i); ok && !s.Chosen {
		n.choose(s)
		n.advanceCommit()
	}
}

// onAccepted counts the acknowledgements of a reply to our ballot.
func (n *Node) onAccepted(m Message) {
	if m.Reject {
		n.outbid(m.Ballot)
		return
	}
	if n.role != Leader || m.Ballot != n.promised {
		return // a reply to an older ballot: it says nothing of ours
	}
	n.heard(m)
	for _, s := range m.Slots {
		if a, ok := n.ldr.acks[s.Index]; ok {
			n.ldr.acks[s.Index] = a | bit(m.From)
			n.countAcks(s.Index)
		}
	}
}

// heard notes a live follower and the commit index it reports.
func (n *Node) heard(m Message) {
	n.ldr.active |= bit(m.From)
	n.ldr.peerCommit[m.From] = max(n.ldr.peerCommit[m.From], m.Commit)
}

// onHeartbeatResp notes the follower and sends it what it lacks.
func (n *Node) onHeartbeatResp(m Message) {
	if m.Reject {
		n.outbid(m.Ballot)
		return
	}
	if n.role != Leader || m.Ballot != n.promised {
		return
	}
	n.heard(m)
	if m.Stamp > 0 && m.Stamp <= n.ticks {
		n.ldr.stamps[m.From] = max(n.ldr.stamps[m.From], m.Stamp)
	}
	if m.Index > 0 {
		n.confirmReads(m.From, m.Index)
	}
	n.catchUp(m.From, m.Commit)
}
