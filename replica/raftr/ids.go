package raftr

import (
	"slices"

	"github.com/faultline-sim/faultline/raft"
	"github.com/faultline-sim/faultline/replica"
)

// Node ids. The world numbers hosts 1..N; raft sees world id 1 as 1 and
// every other id w as w+idShift (128 and up), so a configuration entry holds
// one-byte and two-byte uvarints, as deployments with large or random ids
// do (make mutate: raft/confchange.go's uvarint code survived ids < 128).
// The map is monotonic, so raft orders members as the world does.
const idShift = 126

func raftID(w uint64) uint64 {
	if w <= 1 {
		return w // 0: none
	}
	return w + idShift
}

func worldID(r uint64) uint64 {
	if r <= 1 {
		return r
	}
	return r - idShift
}

// mapIDs is ids through f (raftID or worldID); nil stays nil.
func mapIDs(ids []uint64, f func(uint64) uint64) []uint64 {
	if ids == nil {
		return nil
	}
	out := make([]uint64, len(ids))
	for i, id := range ids {
		out[i] = f(id)
	}
	return out
}

// memberCache holds the last configuration Status mapped, so a Status
// call allocates only when the configuration changed.
type memberCache struct {
	raw    raft.ConfState
	mapped replica.Membership
	set    bool
}

func (c *memberCache) of(cs raft.ConfState) replica.Membership {
	if c.set && slices.Equal(c.raw.Voters, cs.Voters) && slices.Equal(c.raw.Learners, cs.Learners) &&
		slices.Equal(c.raw.VotersOutgoing, cs.VotersOutgoing) {
		return c.mapped
	}
	c.raw = raft.ConfState{Voters: slices.Clone(cs.Voters), Learners: slices.Clone(cs.Learners), VotersOutgoing: slices.Clone(cs.VotersOutgoing)}
	c.mapped, c.set = membership(cs), true
	return c.mapped
}
