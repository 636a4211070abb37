package paxos

// Leader leases (Config.Lease): reads served by the leader without a
// heartbeat round. A value is chosen in a higher ballot only after a
// majority promised it; an acceptor that acknowledged its leader's
// heartbeat or Accept refuses every other proposer's Prepare for
// ElectionTicks of its own ticks (and for ElectionTicks after a boot, as it
// may have acked one before it crashed). So while a majority acked a
// heartbeat the leader stamped less than ElectionTicks-LeaseMarginTicks-1
// of its ticks ago, no other ballot can gather a majority, and every write
// that completed is in a slot below the leader's next: the host answers
// once it applied next-1. The margin covers drift and steps of the clocks
// (the same argument as our Raft's lease); the "-1" covers the phase
// between two nodes' ticks.

// holdLease starts (or restarts) the acceptor's lease for the leader of
// ballot b (0 at boot: the fence refuses every proposer) and tells the
// checker until which tick it holds. The boot fence's observation goes out
// with the first Ready the node has for other reasons (fence), ahead of
// any promise, so a boot alone makes no Ready.
func (n *Node) holdLease(b Ballot) {
	if !n.cfg.Lease {
		return
	}
	n.lease = n.cfg.ElectionTicks
	o := Observation{Kind: ObsLease, Node: n.self(), Ballot: b, Index: n.ticks + uint64(n.cfg.ElectionTicks)}
	if b == 0 {
		n.fence = &o
		return
	}
	n.observe(o)
}

// LeaseRead returns the read index a leader's lease vouches for now; ok
// false means no lease (leases off, not leading, or no fresh majority):
// use ReadIndex.
func (n *Node) LeaseRead() (index uint64, ok bool) {
	if !n.cfg.Lease || n.role != Leader {
		return 0, false
	}
	lease := uint64(max(n.cfg.ElectionTicks-n.cfg.LeaseMarginTicks-1, 0))
	fresh := 1 // the leader itself
	for _, p := range n.peers {
		if s, ok := n.ldr.stamps[p]; ok && p != n.self() && n.ticks-s < lease {
			fresh++
		}
	}
	if fresh < n.quorum {
		return 0, false
	}
	return n.ldr.next - 1, true
}
