// Package etcdraft37 puts etcd-io/raft v3.7.0 (raftpb with pointer types,
// protobuf-go) behind the replica contract as protocol "etcd37", the same
// way replica/etcdraft puts v3.6.0 as "etcd": a RawNode over a MemoryStorage
// mirrored on a simulated disk, every call into etcd under one lock with
// crypto/rand.Reader set to the node's seeded stream (rand.go). It lives in
// its own module because one build can hold only one version of a module.
package etcdraft37

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/internal/etcdrand"
	"github.com/faultline-sim/faultline/replica"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

func init() { replica.Register(Protocol{}) }

// Protocol is etcd-io/raft v3.7 as a replica.Protocol, named "etcd37".
type Protocol struct{}

// Name implements replica.Protocol.
func (Protocol) Name() string { return "etcd37" }

// Caps implements replica.Protocol: those of the v3.6 adapter.
func (Protocol) Caps() replica.Caps {
	return replica.Caps{
		Reads:      []string{"consistent", "lease", "stale"},
		Membership: true, Snapshots: true, PreVote: true, CheckQuorum: true, LogChecks: true,
		Faults:           []string{"crash-voter", "crash-new-leader", "replay-leader", "config-split"},
		LeaseByReadIndex: true,
	}
}

// Defects implements replica.Protocol: the planted defects are v3.6's only.
func (Protocol) Defects() []replica.Defect { return nil }

// NewStore implements replica.Protocol.
func (Protocol) NewStore() replica.Store { return &disk{} }

const (
	entryBytes          = 64
	maxUncommittedBytes = 1 << 20
)

// storage is etcd's Storage: the MemoryStorage, whose configuration before
// any snapshot is the initial voters.
type storage struct {
	*raft.MemoryStorage
	peers []uint64
	n     *node // its configuration applied, and its request for a snapshot
}

// Snapshot implements raft.Storage: a snapshot whose configuration leaves
// out a member of the one applied is withheld (etcd's restore ignores a
// snapshot without the recipient) and the node asks its host for a fresh
// one (Ready.CompactNow), as replica/etcdraft does.
func (s *storage) Snapshot() (*pb.Snapshot, error) {
	snap, err := s.MemoryStorage.Snapshot()
	if err == nil && snap.GetMetadata().GetIndex() > 0 && !covers(snap.GetMetadata().GetConfState(), s.n.conf) {
		s.n.wantSnap = true
		return nil, raft.ErrSnapshotTemporarilyUnavailable
	}
	return snap, err
}

// covers says whether every member of b (voters, learners, outgoing voters)
// is a member of a.
func covers(a, b *pb.ConfState) bool {
	for _, set := range [][]uint64{b.GetVoters(), b.GetLearners(), b.GetVotersOutgoing()} {
		for _, id := range set {
			if !slices.Contains(a.GetVoters(), id) && !slices.Contains(a.GetLearners(), id) && !slices.Contains(a.GetVotersOutgoing(), id) {
				return false
			}
		}
	}
	return true
}

// InitialState implements raft.Storage.
func (s *storage) InitialState() (*pb.HardState, *pb.ConfState, error) {
	hs, cs, err := s.MemoryStorage.InitialState()
	if snap, _ := s.MemoryStorage.Snapshot(); snap.GetMetadata().GetIndex() == 0 {
		cs = &pb.ConfState{Voters: slices.Clone(s.peers)}
	}
	return hs, cs, err
}

// Boot implements replica.Protocol.
func (Protocol) Boot(cfg replica.Config, st replica.Store) (replica.Replica, error) {
	d, ok := st.(*disk)
	if !ok {
		return nil, fmt.Errorf("etcdraft37: store %T is not an etcdraft37 disk", st)
	}
	if cfg.LeaseReads && !cfg.CheckQuorum {
		return nil, fmt.Errorf("etcdraft: node %d: lease reads (ReadOnlyLeaseBased) need CheckQuorum", cfg.ID)
	}
	if cfg.Rand == nil {
		return nil, fmt.Errorf("etcdraft37: node %d has no random source", cfg.ID)
	}
	ms, err := memoryStorage(&d.durable)
	if err != nil {
		return nil, err
	}
	r := &node{id: cfg.ID, ms: ms, d: d, src: newSeededReader(cfg.Rand), rng: cfg.Rand}
	r.conf = &pb.ConfState{Voters: slices.Clone(cfg.Peers)}
	if si := d.durable.snapIndex(); si > 0 {
		r.conf, r.confIndex, r.handed = cloneConf(d.durable.snap.GetMetadata().GetConfState()), si, si
	}
	rc := &raft.Config{
		ID: cfg.ID, ElectionTick: cfg.ElectionTicks, HeartbeatTick: cfg.HeartbeatTicks,
		Storage: &storage{MemoryStorage: ms, peers: cfg.Peers, n: r}, Applied: d.durable.snapIndex(),
		MaxSizePerMsg: uint64(max(cfg.MaxEntries, 1)) * entryBytes, MaxCommittedSizePerReady: 1 << 40,
		MaxUncommittedEntriesSize: maxUncommittedBytes, MaxInflightMsgs: max(cfg.MaxInflight, 1),
		CheckQuorum: cfg.CheckQuorum, PreVote: cfg.PreVote, ReadOnlyOption: readOnly(cfg),
		Logger: etcdrand.Logger{Name: "etcd37", ID: cfg.ID}, DisableProposalForwarding: true, StepDownOnRemoval: true,
	}
	if cfg.MaxEntries <= 1 {
		rc.MaxSizePerMsg = 1
	}
	locked(r.src, func() { r.rn, err = raft.NewRawNode(rc) })
	if err != nil {
		return nil, fmt.Errorf("etcdraft37: node %d: %w", cfg.ID, err)
	}
	return r, nil
}

func memoryStorage(s *state) (*raft.MemoryStorage, error) {
	ms := raft.NewMemoryStorage()
	if s.snapIndex() > 0 {
		if err := ms.ApplySnapshot(s.snap); err != nil {
			return nil, fmt.Errorf("etcdraft37: restoring the snapshot: %w", err)
		}
	}
	if s.hard != nil {
		if err := ms.SetHardState(s.hard); err != nil {
			return nil, fmt.Errorf("etcdraft37: restoring the hard state: %w", err)
		}
	}
	if err := ms.Append(cloneEntries(s.afterSnapshot())); err != nil {
		return nil, fmt.Errorf("etcdraft37: restoring the log: %w", err)
	}
	return ms, nil
}

// readOnly is etcd's read-only option for cfg: ReadOnlyLeaseBased when the
// run issues lease reads (etcd panics on it without CheckQuorum; Boot
// refuses that first).
func readOnly(cfg replica.Config) raft.ReadOnlyOption {
	if cfg.LeaseReads {
		return raft.ReadOnlyLeaseBased
	}
	return raft.ReadOnlySafe
}
