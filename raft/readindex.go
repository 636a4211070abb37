package raft

import "slices"

// ReadState is a confirmed ReadIndex request: once the host has applied
// Index, a read of the state machine is linearizable for the request Ctx.
type ReadState struct {
	Index uint64
	Ctx   []byte
}

// maxPendingReads bounds the leader's unconfirmed ReadIndex requests.
const maxPendingReads = 4096

// readReq is one ReadIndex request awaiting a heartbeat round.
type readReq struct {
	index    uint64 // commit index when recorded
	ctx      []byte
	deferred bool // recorded before the leader committed an entry of its term: index not yet set
	acks     map[uint64]bool
}

func (n *Node) readIndex(ctx []byte) error {
	if n.role != Leader {
		return &NotLeaderError{Leader: n.lead}
	}
	switch {
	case len(ctx) == 0:
		return &detailError{ErrReadIndexDropped, "empty ctx"}
	case len(n.reads) >= maxPendingReads:
		return &detailError{ErrReadIndexDropped, itoa(len(n.reads)) + " reads pending"}
	case slices.ContainsFunc(n.reads, func(r readReq) bool { return string(r.ctx) == string(ctx) }):
		return &detailError{ErrReadIndexDropped, "ctx already pending"}
	}
	r := readReq{ctx: cloneBytes(ctx), deferred: true, acks: map[uint64]bool{}}
	n.reads = append(n.reads, r)
	n.releaseDeferredReads()
	return nil
}

// releaseDeferredReads starts the heartbeat round for requests recorded
// before the leader committed an entry of its term, now that it has.
func (n *Node) releaseDeferredReads() {
	if len(n.reads) == 0 || !n.reads[len(n.reads)-1].deferred || !n.committedInTerm() {
		return
	}
	for i := range n.reads {
		if n.reads[i].deferred {
			n.reads[i].index, n.reads[i].deferred = n.log.committed, false
		}
	}
	n.readAck(n.id, n.reads[len(n.reads)-1].ctx)
	if len(n.reads) > 0 {
		n.bcastHeartbeat()
	}
}

// readAck records that from acked the heartbeat round carrying ctx. Once a
// majority did, leadership at the time the request was recorded is
// confirmed: it and every earlier request become ReadStates.
func (n *Node) readAck(from uint64, ctx []byte) {
	k := slices.IndexFunc(n.reads, func(r readReq) bool { return string(r.ctx) == string(ctx) })
	if k < 0 || n.reads[k].deferred {
		return
	}
	n.reads[k].acks[from] = true
	if n.readConfirmed(k) {
		n.releaseReads(k)
	}
}

// readConfirmed reports whether the acks of pending read k (not deferred)
// make a quorum of the configuration now in force.
func (n *Node) readConfirmed(k int) bool {
	r := &n.reads[k]
	return n.hasQuorum(func(id uint64) bool { return id == n.id || r.acks[id] })
}

// recheckReads confirms, under the quorum of a configuration the leader
// just appended, the newest pending read whose acks make it (and every
// earlier one): a removed voter's ack is no longer awaited, as for commits
// (seed 3892 of the default sweep: {1,2} -> {1} left a read pending forever).
func (n *Node) recheckReads() {
	for k := len(n.reads) - 1; k >= 0; k-- {
		if !n.reads[k].deferred && n.readConfirmed(k) {
			n.releaseReads(k)
			return
		}
	}
}

// releaseReads hands out pending reads 0..k as ReadStates.
func (n *Node) releaseReads(k int) {
	for _, done := range n.reads[:k+1] {
		n.readStates = append(n.readStates, ReadState{Index: done.index, Ctx: done.ctx})
	}
	n.reads = slices.Delete(n.reads, 0, k+1)
}

func (n *Node) leaseRead() (uint64, bool) {
	if n.role != Leader || !n.cfg.CheckQuorum || !n.committedInTerm() {
		return 0, false
	}
	lease := uint64(max(n.cfg.ElectionTicks-n.cfg.LeaseMarginTicks-1, 0))
	if n.cfg.Defects.LeaseIgnoresDrift {
		lease = uint64(n.cfg.ElectionTicks)
	}
	fresh := func(id uint64) bool {
		pr := n.prs[id]
		return id == n.id || (pr != nil && pr.leaseStamp > 0 && n.ticks-pr.leaseStamp < lease)
	}
	if !n.hasQuorum(fresh) {
		return 0, false
	}
	return n.log.committed, true
}
