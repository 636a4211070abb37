package paxos

// outbox collects the outputs of the inputs since the last Ready.
// Invariant: promisedDirty implies promised must be persisted; slots holds
// copies of the slots written, in write order (a later write wins).
type outbox struct {
	promisedDirty bool
	slots         []Slot
	snap          *Snapshot
	msgs          []Message
	obs           []Observation
	// early are replies (and their observations) that leave before the
	// state they vouch for is durable: the ReplyBeforeDurable defect only.
	early    []Message
	earlyObs []Observation
	reads    []ReadState
}

// maxOutMessages bounds the messages a node buffers between Readies; past
// it the node drops new ones, as a full socket buffer would.
const maxOutMessages = 1 << 14

func (n *Node) send(m Message) {
	m.From = n.self()
	if len(n.out.msgs) < maxOutMessages {
		n.out.msgs = append(n.out.msgs, m)
	}
}

// reply sends a Promise or Accepted reply with the observations it vouches
// for: in the batch that persists them, or (defect) ahead of it.
func (n *Node) reply(m Message, obs ...Observation) {
	if n.d.ReplyBeforeDurable {
		m.From = n.self()
		n.out.early = append(n.out.early, m)
		n.out.earlyObs = append(n.out.earlyObs, obs...)
		return
	}
	n.send(m)
	n.out.obs = append(n.out.obs, obs...)
}

func (n *Node) observe(o Observation) { n.out.obs = append(n.out.obs, o) }

// persistPromise raises the promise to b and schedules its write.
func (n *Node) persistPromise(b Ballot) {
	if b <= n.promised {
		return
	}
	n.promised = b
	n.maxRound = max(n.maxRound, b.Round())
	n.out.promisedDirty = true
}

// persistSlot schedules the write of slot s as it is now.
func (n *Node) persistSlot(s *Slot) { n.out.slots = append(n.out.slots, *s) }

// HasReady reports whether Ready has something to hand out.
func (n *Node) HasReady() bool {
	o := &n.out
	return o.promisedDirty || len(o.slots) > 0 || o.snap != nil || len(o.msgs) > 0 || len(o.obs) > 0 ||
		len(o.early) > 0 || len(o.reads) > 0 || len(n.ldr.unsent) > 0 || n.commit > n.handed || n.softState() != n.prev
}

func (n *Node) softState() SoftState {
	return SoftState{Role: n.role, Ballot: n.promised, Lead: n.lead}
}

// Ready hands out the outputs so far; the caller persists, syncs, sends,
// applies, then calls Advance.
func (n *Node) Ready() Ready {
	n.flushUnsent()
	o := &n.out
	if len(o.early) > 0 { // the defect: replies first, their state in the next batch
		rd := Ready{Messages: o.early, Observations: o.earlyObs}
		o.early, o.earlyObs = nil, nil
		return rd
	}
	rd := Ready{Slots: o.slots, Snapshot: o.snap, Messages: o.msgs, Observations: o.obs, Reads: o.reads}
	if n.fence != nil { // ahead of every observation of this incarnation
		rd.Observations = append([]Observation{*n.fence}, o.obs...)
		n.fence = nil
	}
	if o.promisedDirty {
		rd.Promised = n.promised
	}
	rd.MustSync = o.promisedDirty || len(o.slots) > 0 || o.snap != nil
	if s := n.softState(); s != n.prev {
		rd.SoftState = &s
		n.prev = s
	}
	from := n.handed
	if o.snap != nil {
		from = max(from, o.snap.Index)
	}
	for i := from + 1; i <= n.commit; i++ {
		s, ok := n.slot(i)
		if !ok {
			panic("paxos: node " + itoa(uint64(n.id)) + " commit " + itoa(n.commit) + " covers slot " + itoa(i) + " it does not hold")
		}
		rd.Committed = append(rd.Committed, *s)
	}
	n.handed = max(from, n.commit)
	*o = outbox{}
	return rd
}

// Advance acknowledges the last Ready: persisted, sent and applied.
func (n *Node) Advance() { n.applied = n.handed }
