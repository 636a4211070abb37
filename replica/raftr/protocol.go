// Package raftr puts our Raft core (raft/) behind the replica contract, on
// a simulated disk whose unsynced writes a crash loses.
package raftr

import (
	"fmt"

	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

func init() { replica.Register(Protocol{}) }

// Protocol is our Raft as a replica.Protocol, named "raft".
type Protocol struct{}

// snapshotChunkBytes is raft's MaxSnapshotChunkBytes. The kv images the
// default sweep sends are 11 to 420 bytes (seeds 1-200: median 125), so at
// 16 bytes most snapshots travel in 4 to 27 chunks, sent at once and
// reordered by the network: the follower's assembly of out-of-order chunks
// (and of a lost or stale one) is the rule, not the exception. At 64 bytes
// (2 to 7 chunks) a follower that discards every chunk ahead of its
// assembly still caught up within the op bound in seeds 1-1000 (make
// mutate: raft/snapshot.go:72:17 survived); at 1024 no snapshot of seeds
// 1-200 was ever split.
const snapshotChunkBytes = 16

// Name implements replica.Protocol.
func (Protocol) Name() string { return "raft" }

// Caps implements replica.Protocol: everything the world has.
func (Protocol) Caps() replica.Caps {
	return replica.Caps{
		Reads:      []string{"consistent", "lease", "stale"},
		Membership: true, Snapshots: true, PreVote: true, CheckQuorum: true, LogChecks: true,
		Faults: []string{"crash-voter", "crash-new-leader", "replay-leader", "config-split", "joint-split", "leader-removal"},
	}
}

// NewStore implements replica.Protocol.
func (Protocol) NewStore() replica.Store { return &disk{} }

// Boot implements replica.Protocol.
func (Protocol) Boot(cfg replica.Config, st replica.Store) (replica.Replica, error) {
	d, ok := st.(*disk)
	if !ok {
		return nil, fmt.Errorf("raftr: store %T is not a raftr disk", st)
	}
	var defects raft.Defects
	for _, x := range catalogue {
		if x.Name == cfg.Defect {
			x.set(&defects)
		}
	}
	n, err := raft.NewNode(raft.Config{
		ID: raftID(cfg.ID), Peers: mapIDs(cfg.Peers, raftID), ElectionTicks: cfg.ElectionTicks, HeartbeatTicks: cfg.HeartbeatTicks,
		PreVote: cfg.PreVote, CheckQuorum: cfg.CheckQuorum,
		MaxEntriesPerMsg:      orDefault(cfg.MaxEntries, raft.DefaultMaxEntriesPerMsg),
		MaxInflightMsgs:       orDefault(cfg.MaxInflight, raft.DefaultMaxInflightMsgs),
		MaxSnapshotChunkBytes: snapshotChunkBytes, LeaseMarginTicks: cfg.LeaseMarginTicks,
		Storage: d, Rand: cfg.Rand, Defects: defects,
	})
	if err != nil {
		return nil, err
	}
	maxEntries := cfg.MaxEntries
	if maxEntries == 0 {
		maxEntries = raft.DefaultMaxEntriesPerMsg
	}
	return &node{n: n, d: d, conf: d.snap.Metadata.ConfState, maxEntries: maxEntries, seen: handedAtBoot(n.Status())}, nil
}

// orDefault is 0 (the core's "use the default") where v is that default, so
// the sweep runs the core's defaulting too (make mutate: raft/config.go's
// Validate and withDefaults for zero bounds); the behaviour is the same.
func orDefault(v, def int) int {
	if v == def {
		return 0
	}
	return v
}
