package paxos

import "math/bits"

// Linearizable reads without the log (ReadIndex). A leader whose phase 1 is
// done holds in its slots below next every value chosen in a lower ballot,
// and only it chooses in its own; a value chosen in a higher ballot needs a
// majority that promised it, which would refuse our heartbeats. So once a
// majority acknowledges a heartbeat sent after the read arrived, every write
// that completed before the read is in a slot below the read index next-1:
// the host answers once it applied that far.

// ReadState is a confirmed read: answer it once Index is applied.
type ReadState struct {
	Index uint64
	Ctx   []byte
}

// readReq is a read waiting for its heartbeat round (seq) to be acknowledged.
type readReq struct {
	ctx   []byte
	index uint64
	seq   uint64
	acks  uint64 // bit id: acknowledged a heartbeat of round seq or later
}

// maxPendingReads bounds the reads a leader holds unconfirmed.
const maxPendingReads = 4096

// ReadIndex asks for a read point for ctx; it comes in Ready.Reads.
func (n *Node) ReadIndex(ctx []byte) error {
	if n.role != Leader {
		return &NotLeaderError{Leader: n.lead}
	}
	l := &n.ldr
	if len(l.reads) >= maxPendingReads {
		return ErrProposalDropped
	}
	l.readSeq++
	l.reads = append(l.reads, readReq{ctx: ctx, index: l.next - 1, seq: l.readSeq, acks: bit(n.self())})
	for _, p := range n.peers {
		if p != n.self() {
			n.send(Message{Type: MsgHeartbeat, To: p, Ballot: n.promised, Commit: n.commit, Index: l.readSeq, Stamp: n.ticks})
		}
	}
	n.confirmReads(0, 0) // a cluster of one confirms at once
	return nil
}

// confirmReads counts a heartbeat acknowledgement of round seq from peer
// (0: none) and hands out, in order, the reads a majority confirmed.
func (n *Node) confirmReads(peer, seq uint64) {
	l := &n.ldr
	k := 0
	for i := range l.reads {
		r := &l.reads[i]
		if peer != 0 && seq >= r.seq {
			r.acks |= bit(peer)
		}
		if k == i && bits.OnesCount64(r.acks) >= n.quorum {
			n.out.reads = append(n.out.reads, ReadState{Index: r.index, Ctx: r.ctx})
			k++
		}
	}
	l.reads = l.reads[k:]
}
