// Package paxosr puts our Multi-Paxos core (paxos/) behind the replica
// contract, on a simulated disk whose unsynced writes a crash loses.
package paxosr

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
)

func init() { replica.Register(Protocol{}) }

// Protocol is our Multi-Paxos as a replica.Protocol, named "paxos".
type Protocol struct{}

// Name implements replica.Protocol.
func (Protocol) Name() string { return "paxos" }

// Caps implements replica.Protocol: reads through the log, ReadIndex (a
// heartbeat round confirms the leader) and the leader lease (on when the
// run issues lease reads: Config.LeaseReads), no
// membership change, no Pre-Vote or CheckQuorum options (the leader always
// steps down without a majority in an election timeout), snapshots; the log
// has holes, so the world mirrors the committed stream (LogChecks false).
// Run-time faults: crash-voter (a Promise is a vote), crash-new-leader and
// replay-leader (old-ballot Accepted replies); config-split needs membership.
func (Protocol) Caps() replica.Caps {
	return replica.Caps{Reads: []string{"consistent", "lease"}, Snapshots: true, StepsDown: true, Faults: []string{"crash-voter", "crash-new-leader", "replay-leader"}}
}

// NewStore implements replica.Protocol.
func (Protocol) NewStore() replica.Store { return &disk{} }

// Boot implements replica.Protocol.
func (Protocol) Boot(cfg replica.Config, st replica.Store) (replica.Replica, error) {
	d, ok := st.(*disk)
	if !ok {
		return nil, fmt.Errorf("paxosr: store %T is not a paxosr disk", st)
	}
	var defects paxos.Defects
	for _, x := range catalogue {
		if x.Name == cfg.Defect {
			x.set(&defects)
		}
	}
	n, err := paxos.New(paxos.Config{
		ID: cfg.ID, Peers: cfg.Peers, ElectionTicks: cfg.ElectionTicks, HeartbeatTicks: cfg.HeartbeatTicks,
		MaxEntriesPerMsg: cfg.MaxEntries, MaxCatchUpMsgs: cfg.MaxInflight, State: d.state(), Rand: cfg.Rand, Defects: defects,
		Lease: cfg.LeaseReads, LeaseMarginTicks: cfg.LeaseMarginTicks,
	})
	if err != nil {
		return nil, err
	}
	bs := n.Status()
	return &node{n: n, d: d, peers: slices.Clone(cfg.Peers), maxEntries: cfg.MaxEntries,
		soft: paxos.SoftState{Role: bs.Role, Ballot: bs.Promised, Lead: bs.Lead}}, nil
}
