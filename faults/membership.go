package faults

import (
	"slices"

	"github.com/faultline-sim/faultline/internal/prng"
)

// Membership requests as the generator draws them. The plan starts from
// voters 1..Voters and spares Voters+1..Nodes; each spare joins once (by
// add-node, or by replace-node in place of a voter), and one time in two a
// voter is also removed, while one voter remains (two voters may become one:
// if the leader is the one removed, only it can finish the change); one request in
// two comes at the same time as the one before it. Requests fall
// in the fault phase, at least MinEpisodeNs before QuietAtNs so a change
// can finish before the quiet phase judges liveness, and in time order; the
// operator may still be busy with one when the next arrives (it queues).

// IsRequest reports whether k is a membership request (not a fault).
func IsRequest(k Kind) bool { return k == AddNode || k == RemoveNode || k == ReplaceNode }

// maxMembershipSteps bounds the requests of one schedule.
const maxMembershipSteps = MaxNodes + 1

// drawMembership appends the membership requests for o.Voters < o.Nodes:
// one time in two (when config-split is among the kinds) the race plan,
// otherwise the plan described above.
func (g *gen) drawMembership(rng *prng.Rand) {
	last := g.quiet - g.o.MinEpisodeNs()
	if last < 0 {
		return
	}
	if g.splitAllowed() && rng.Bool() && g.drawRacePlan(rng, last) {
		return
	}
	voters := make([]int, g.o.Voters)
	for i := range voters {
		voters[i] = i + 1
	}
	spares := g.o.Nodes - g.o.Voters
	steps := min(spares+rng.IntN(2), maxMembershipSteps)
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
		case len(voters) > 1:
			i, v := pick()
			g.actions = append(g.actions, Action{AtNs: t, Kind: RemoveNode, Node: v})
			voters = slices.Delete(voters, i, i+1)
		}
	}
	g.drawWindows(rng.Fork("joint-split"), JointSplit, ReplaceNode)
	g.drawWindows(rng.Fork("leader-removal"), LeaderRemoval, RemoveNode, ReplaceNode)
}

// drawWindows opens a window of run-time fault kind with each request of
// a trigger kind that does not fall in the previous window, 20 to 30
// election timeouts long (ending by QuietAtNs): a replace waits for its
// learner's catch-up, and the change may come from a later leader; the
// fault itself acts for a few election timeouts (sim). Each kind draws from
// its own stream (rng), so the plan and the other windows stay as they were.
//   - joint-split: with each replace-node (a joint change);
//   - leader-removal: with each remove-node and replace-node.
func (g *gen) drawWindows(rng *prng.Rand, kind Kind, triggers ...Kind) {
	if g.o.Intensity == 0 || !g.o.names(kind) {
		return
	}
	lo, hi := 20*g.o.ElectionTimeoutNs, 30*g.o.ElectionTimeoutNs
	until := int64(-1)
	n := len(g.actions)
	for _, a := range g.actions[:n] {
		if !slices.Contains(triggers, a.Kind) || a.AtNs <= until {
			continue
		}
		until = min(a.AtNs+rng.Range(lo, hi), g.quiet)
		g.actions = append(g.actions, Action{AtNs: a.AtNs, Kind: kind, UntilNs: until})
	}
}

// splitAllowed reports whether config-split is among the kinds.
func (g *gen) splitAllowed() bool {
	return g.o.Intensity > 0 && g.o.names(ConfigSplit)
}

// drawRacePlan draws the shape of Ongaro's single-server race: with an
// even number of voters (at least four), a spare joins and, half an
// election timeout to one later, a voter is asked to leave, in a
// config-split window opened with the join. An odd number of voters is
// first made even by a join (if two spares are left) or a leave (if five
// voters or more), 3 to 6 election timeouts earlier, so that change is
// done. It reports false, drawing nothing, if the voters cannot be made
// even or there is no time.
func (g *gen) drawRacePlan(rng *prng.Rand, last int64) bool {
	et := g.o.ElectionTimeoutNs
	voters, spares := g.o.Voters, g.o.Nodes-g.o.Voters
	var prep Action
	switch {
	case voters%2 == 0 && voters >= 4:
	case voters%2 == 1 && spares >= 2 && voters >= 3:
		prep = Action{Kind: AddNode, Node: voters + 1}
	case voters%2 == 1 && voters >= 5:
		prep = Action{Kind: RemoveNode, Node: 1 + rng.IntN(voters)}
	default:
		return false
	}
	lead := int64(0)
	if prep.Kind != "" {
		lead = rng.Range(3*et, 6*et)
	}
	gap := rng.Range(0, et)
	if last < lead+gap {
		return false
	}
	t := rng.Range(lead, last-gap)
	members := make([]int, 0, g.o.Nodes)
	for n := 1; n <= voters; n++ {
		members = append(members, n)
	}
	joiner := g.o.Nodes // the last spare joins in the race
	if prep.Kind != "" {
		prep.AtNs = t - lead
		g.actions = append(g.actions, prep)
		if prep.Kind == AddNode {
			members = append(members, prep.Node)
		} else {
			members = slices.DeleteFunc(members, func(n int) bool { return n == prep.Node })
		}
	}
	g.actions = append(g.actions,
		Action{AtNs: t, Kind: AddNode, Node: joiner},
		Action{AtNs: t + gap, Kind: RemoveNode, Node: members[rng.IntN(len(members))]})
	g.drawConfigSplit(rng, t)
	return true
}

// drawConfigSplit opens a config-split window at t, 8 to 10 election
// timeouts long (a learner's catch-up, two elections and a change to
// commit) within MinEpisodeNs..MaxEpisodeNs, ending by QuietAtNs.
func (g *gen) drawConfigSplit(rng *prng.Rand, t int64) {
	hi := min(10*g.o.ElectionTimeoutNs, g.o.MaxEpisodeNs())
	d := rng.Range(max(min(8*g.o.ElectionTimeoutNs, hi), g.o.MinEpisodeNs()), hi)
	g.actions = append(g.actions, Action{AtNs: t, Kind: ConfigSplit, UntilNs: min(t+d, g.quiet)})
}
