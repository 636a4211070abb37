package faults

import (
	"slices"

	"github.com/faultline-sim/faultline/internal/prng"
)

// Membership requests as the generator draws them. The plan starts from
// voters 1..Voters and spares Voters+1..Nodes; each spare joins once (by
// add-node, or by replace-node in place of a voter), and one time in two a
// voter is also removed, while at least two voters remain; one request in
// two comes at the same time as the one before it. Requests fall
// in the fault phase, at least MinEpisodeNs before QuietAtNs so a change
// can finish before the quiet phase judges liveness, and in time order; the
// operator may still be busy with one when the next arrives (it queues).

// IsRequest reports whether k is a membership request (not a fault).
func IsRequest(k Kind) bool { return k == AddNode || k == RemoveNode || k == ReplaceNode }

// maxMembershipSteps bounds the requests of one schedule.
const maxMembershipSteps = MaxNodes + 1

// drawMembership appends the membership requests for o.Voters < o.Nodes.
func (g *gen) drawMembership(rng *prng.Rand) {
	voters := make([]int, g.o.Voters)
	for i := range voters {
		voters[i] = i + 1
	}
	spares := g.o.Nodes - g.o.Voters
	steps := min(spares+rng.IntN(2), maxMembershipSteps)
	last := g.quiet - g.o.MinEpisodeNs()
	if last < 0 {
		return
	}
	times := make([]int64, steps)
	for i := range times {
		times[i] = rng.Range(0, last)
	}
	slices.Sort(times)
	for i := 1; i < len(times); i++ {
		if rng.Bool() {
			times[i] = times[i-1] // two requests at once, as from two operators
		}
	}
	next := g.o.Voters + 1 // the next spare to join
	for _, t := range times {
		pick := func() (int, int) {
			i := rng.IntN(len(voters))
			return i, voters[i]
		}
		switch {
		case next <= g.o.Nodes && len(voters) >= 2 && rng.Bool():
			i, v := pick()
			g.actions = append(g.actions, Action{AtNs: t, Kind: ReplaceNode, From: v, To: next})
			voters[i] = next
			next++
		case next <= g.o.Nodes:
			g.actions = append(g.actions, Action{AtNs: t, Kind: AddNode, Node: next})
			voters = append(voters, next)
			next++
		case len(voters) > 2:
			i, v := pick()
			g.actions = append(g.actions, Action{AtNs: t, Kind: RemoveNode, Node: v})
			voters = slices.Delete(voters, i, i+1)
		}
	}
}
