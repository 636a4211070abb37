package replica

// Status is what faults, the operator and checkers may observe of a replica.
type Status struct {
	ID          uint64
	Role        Role
	Epoch       uint64 // term or ballot it leads or follows in
	Lead        uint64 // leader believed in, 0 if none
	Commit      uint64
	Applied     uint64
	Membership  Membership // the configuration in force (ours: the newest in the log; etcd: the last applied)
	ConfigIndex uint64     // index of the entry that made Membership (0: initial)
}

// Caps is what a protocol supports. The world draws only what is declared.
type Caps struct {
	Reads       []string // read modes beyond "log": "consistent", "lease", "stale"
	Membership  bool     // joint and single-step ConfigChange
	Snapshots   bool     // Compact and snapshot transfer
	PreVote     bool     // Config.PreVote means something
	CheckQuorum bool     // Config.CheckQuorum means something
	// StepsDown: a leader always steps down when no majority answered it in
	// an election timeout of its ticks (Multi-Paxos's leader); otherwise it
	// does so only with Config.CheckQuorum, where Caps.CheckQuorum.
	StepsDown bool
	// LogChecks: the protocol keeps a Raft-style log (Ready.Appended,
	// Recovered.Log): log matching and leader completeness apply. Without
	// it the world mirrors the committed stream as the log: Ready.Commit is
	// then the last index of Ready.Committed, an Entry's Epoch must be the
	// same on every node (0 will do), and a restarted node applies again from
	// Recovered.SnapAt.
	LogChecks bool
	// Faults are the run-time fault kinds that apply (e.g. "replay-leader").
	Faults []string
	// LeaseByReadIndex: lease reads are ReadIndex requests to a replica
	// booted with Config.LeaseReads (LeaseRead never vouches). Such a replica
	// answers every ReadIndex from its lease, so a run with lease reads has
	// no consistent ones, and its lease needs Config.CheckQuorum.
	LeaseByReadIndex bool
}

// Has reports whether mode is in c.Reads.
func (c Caps) HasRead(mode string) bool {
	for _, m := range c.Reads {
		if m == mode {
			return true
		}
	}
	return false
}

// HasFault reports whether run-time fault kind k is in c.Faults.
func (c Caps) HasFault(k string) bool {
	for _, f := range c.Faults {
		if f == k {
			return true
		}
	}
	return false
}
