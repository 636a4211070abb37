package raft

import "slices"

// Defaults for zero Config fields.
const (
	DefaultMaxInflightMsgs       = 64
	DefaultMaxEntriesPerMsg      = 64
	DefaultMaxUncommittedEntries = 4096
	maxCommittedPerReady         = 1024 // bound on Ready.CommittedEntries
	maxSpareMsgs                 = 1024 // largest outbox array Advance keeps for reuse
)

// DefaultConfig returns a config with ElectionTicks 10, HeartbeatTicks 1,
// PreVote and CheckQuorum on, and default bounds.
func DefaultConfig(id uint64, peers []uint64, s Storage, r Rand) Config {
	return Config{
		ID: id, Peers: peers, ElectionTicks: 10, HeartbeatTicks: 1,
		PreVote: true, CheckQuorum: true,
		MaxInflightMsgs: DefaultMaxInflightMsgs, MaxEntriesPerMsg: DefaultMaxEntriesPerMsg,
		MaxUncommittedEntries: DefaultMaxUncommittedEntries,
		Storage:               s, Rand: r,
	}
}

// Validate rejects nonsense; the error (errors.Is ErrInvalidConfig) names the field.
func (c *Config) Validate() error {
	switch {
	case c.ID == 0:
		return configErr("id: must be non-zero")
	case len(c.Peers) == 0:
		return configErr("peers: empty")
	case c.ElectionTicks < 1:
		return configErr("election_ticks: " + itoa(c.ElectionTicks) + " < 1")
	case c.HeartbeatTicks < 1:
		return configErr("heartbeat_ticks: " + itoa(c.HeartbeatTicks) + " < 1")
	case c.HeartbeatTicks >= c.ElectionTicks:
		return configErr("heartbeat_ticks: " + itoa(c.HeartbeatTicks) + " >= election_ticks " + itoa(c.ElectionTicks))
	case c.MaxInflightMsgs < 0:
		return configErr("max_inflight_msgs: " + itoa(c.MaxInflightMsgs) + " < 0")
	case c.MaxEntriesPerMsg < 0:
		return configErr("max_entries_per_msg: " + itoa(c.MaxEntriesPerMsg) + " < 0")
	case c.LeaseMarginTicks < 0 || c.LeaseMarginTicks >= c.ElectionTicks:
		return configErr("lease_margin_ticks: " + itoa(c.LeaseMarginTicks) + " not in [0, election_ticks " + itoa(c.ElectionTicks) + ")")
	case c.MaxSnapshotChunkBytes < 0:
		return configErr("max_snapshot_chunk_bytes: " + itoa(c.MaxSnapshotChunkBytes) + " < 0")
	case c.MaxUncommittedEntries < 0:
		return configErr("max_uncommitted_entries: " + itoa(c.MaxUncommittedEntries) + " < 0")
	case c.Storage == nil:
		return configErr("storage: nil")
	case c.Rand == nil:
		return configErr("rand: nil")
	}
	return c.validatePeers()
}

func (c *Config) validatePeers() error {
	sorted := slices.Clone(c.Peers)
	slices.Sort(sorted)
	for i, p := range sorted {
		if p == 0 {
			return configErr("peers: id 0 is reserved")
		}
		if i > 0 && sorted[i-1] == p {
			return configErr("peers: duplicate id " + u64(p))
		}
	}
	// c.ID need not be among Peers: a node joining a running cluster starts
	// with the initial Peers and learns its membership from the log or a snapshot.
	return nil
}

// withDefaults returns a copy with zero bounds replaced and Peers sorted.
func (c Config) withDefaults() Config {
	c.Peers = slices.Clone(c.Peers)
	slices.Sort(c.Peers)
	if c.MaxInflightMsgs == 0 {
		c.MaxInflightMsgs = DefaultMaxInflightMsgs
	}
	if c.MaxEntriesPerMsg == 0 {
		c.MaxEntriesPerMsg = DefaultMaxEntriesPerMsg
	}
	if c.MaxUncommittedEntries == 0 {
		c.MaxUncommittedEntries = DefaultMaxUncommittedEntries
	}
	return c
}
