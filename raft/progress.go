package raft

// progressState is how the leader replicates to one follower.
type progressState uint8

const (
	// stateProbe: one App at a time until the follower's match is found.
	stateProbe progressState = iota
	// stateReplicate: pipelined Apps, at most maxInflight in flight.
	stateReplicate
	// stateSnapshot: a snapshot is in flight; nothing else is sent.
	stateSnapshot
)

func (s progressState) String() string {
	switch s {
	case stateProbe:
		return "probe"
	case stateReplicate:
		return "replicate"
	}
	return "snapshot"
}

// progress is the leader's view of one follower.
// Invariant: match < next.
type progress struct {
	match, next     uint64 // highest index known replicated; next index to send
	state           progressState
	probeSent       bool     // stateProbe: an App is in flight, wait for a reply or heartbeat reply
	pendingSnapshot uint64   // stateSnapshot: index of the snapshot sent
	recentActive    bool     // heard from since the last CheckQuorum round
	leaseStamp      uint64   // lease clock stamp of the newest heartbeat it acked (0: none)
	inflights       inflight // stateReplicate: last index of each App in flight
}

func (p *progress) becomeProbe() {
	if p.state == stateSnapshot {
		p.next = max(p.match+1, p.pendingSnapshot+1)
	} else {
		p.next = p.match + 1
	}
	p.state, p.probeSent, p.pendingSnapshot = stateProbe, false, 0
	p.inflights.reset()
}

func (p *progress) becomeReplicate() {
	p.state, p.probeSent, p.pendingSnapshot = stateReplicate, false, 0
	p.next = p.match + 1
	p.inflights.reset()
}

func (p *progress) becomeSnapshot(i uint64) {
	p.state, p.probeSent, p.pendingSnapshot = stateSnapshot, false, i
	p.inflights.reset()
}

// maybeUpdate records an acknowledgement up to n; false if stale.
func (p *progress) maybeUpdate(n uint64) bool {
	updated := false
	if p.match < n {
		p.match = n
		updated = true
		p.probeSent = false
	}
	p.next = max(p.next, n+1)
	return updated
}

// maybeDecrTo handles a rejection of the App at index rejected; hint is the
// follower's guess of its last matching index. False if the rejection is stale.
func (p *progress) maybeDecrTo(rejected, hint uint64) bool {
	if p.state == stateReplicate {
		if rejected <= p.match {
			return false
		}
		p.next = p.match + 1
		return true
	}
	if p.next-1 != rejected {
		return false
	}
	p.next = max(min(rejected, hint+1), p.match+1)
	p.probeSent = false
	return true
}

// sentEntries records an App carrying entries up to last.
func (p *progress) sentEntries(last uint64, n int) {
	switch p.state {
	case stateReplicate:
		if n > 0 {
			p.next = last + 1
			p.inflights.add(last)
		}
	case stateProbe:
		p.probeSent = true
	}
}

func (p *progress) isPaused() bool {
	switch p.state {
	case stateProbe:
		return p.probeSent
	case stateReplicate:
		return p.inflights.full()
	}
	return true
}

// inflight is a bounded FIFO of the last indices of Apps in flight.
type inflight struct {
	buf   []uint64 // ring, len == capacity
	start int
	count int
}

func newInflight(capacity int) inflight { return inflight{buf: make([]uint64, capacity)} }

func (f *inflight) full() bool { return f.count == len(f.buf) }
func (f *inflight) reset()     { f.start, f.count = 0, 0 }

func (f *inflight) add(last uint64) {
	if f.full() {
		panic("raft: invariant broken: inflight add while full")
	}
	f.buf[(f.start+f.count)%len(f.buf)] = last
	f.count++
}

// freeLE frees every App whose last index is <= to.
func (f *inflight) freeLE(to uint64) {
	for f.count > 0 && f.buf[f.start] <= to {
		f.start = (f.start + 1) % len(f.buf)
		f.count--
	}
}

func (f *inflight) freeFirst() {
	if f.count > 0 {
		f.start = (f.start + 1) % len(f.buf)
		f.count--
	}
}
