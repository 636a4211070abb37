package sim

// Timeline is what a run did over virtual time, protocol-neutrally, for
// studies and plots: who led when, and which links the leader-following
// faults held down. Client operations are in Result.History.
type Timeline struct {
	Leaders []LeaderSpan // in order of election
	Links   []LinkSpan   // leader-link cuts, in order of start
}

// LeaderSpan is one node's leadership of one epoch, in virtual ns; EndNs is
// the run's end if it still led then.
type LeaderSpan struct {
	Node           int
	Epoch          uint64
	StartNs, EndNs int64
}

// timeline copies the run's spans; open ones end at endNs.
func (w *world) timeline(endNs int64) Timeline {
	var t Timeline
	for _, s := range w.stats.spans {
		e := s.endNs
		if e < 0 {
			e = endNs
		}
		t.Leaders = append(t.Leaders, LeaderSpan{Node: s.node, Epoch: s.term, StartNs: s.startNs, EndNs: e})
	}
	for _, s := range w.rt.links.spans {
		if s.EndNs < 0 {
			s.EndNs = endNs
		}
		t.Links = append(t.Links, s)
	}
	return t
}
