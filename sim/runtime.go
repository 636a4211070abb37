package sim

import (
	"github.com/faultline-sim/faultline/faults"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/internal/trace"
	"github.com/faultline-sim/faultline/replica"
)

// The run-time fault room. A run-time fault resolves its target as the run
// goes (the leader of the moment, the node that just voted, the leader that
// proposed a change), keeps its state in its own type, acts on the world
// only through faultEnv, and hears what happens through the hooks of
// runtimeFaults. A new one is a new file: an executor and a line in
// newRuntimeFaults.

// faultEnv is the face the world shows a run-time fault.
type faultEnv interface {
	now() int64
	rand() *prng.Rand // the run-time fault stream
	note(node int, what string) trace.Line
	// timer fires ex's fire(op, node, gen) at atNs.
	timer(atNs int64, ex execSlot, op uint8, node int, gen uint64)
	hostCount() int
	tickNs() int64
	electionNs() int64

	// Observe.
	currentLeader() int
	lastLeader() int    // the node elected last; 0 if none yet
	initialVoters() int // voters of the first configuration: ids 1..initialVoters()
	view(n int) hostView

	// Act. Crash and restart are no-ops on a host already down or up.
	crash(n int, torn bool)
	restart(n int)
	pause(n int)
	resume(n int)
	cutBoth(a, b int)
	uncutBoth(a, b int)
	isolate(n int)
	stallDisk(n int, untilNs int64) // no sync of n completes before untilNs
	healNode(n int)                 // every cut to and from n, clients included
	setDrifts(n int, ppm, others int64)
	send(from, to int, p packet)

	// The membership operator's queue (config-split holds removals back).
	releaseRequests(idx []int)
	pendingRemovals() []int // nodes that active removal requests target
}

// hostView is what a fault may know of host n.
type hostView struct {
	up, paused bool
	incarn     uint64 // bumped by crash and restart
	role       replica.Role
	epoch      uint64
	members    replica.Membership // its configuration; zero while down
}

// execSlot names an executor for its timers.
type execSlot uint8

// executor is one run-time fault kind.
type executor interface {
	start(i int, a faults.Action) // action i's time has come
	end(i int, a faults.Action)   // its window closed
	fire(op uint8, node int, gen uint64)
}

// runtimeFaults is the room: its executors, by the kinds they serve.
type runtimeFaults struct {
	execs     []executor
	kinds     [][]faults.Kind // by slot
	voter     *voterFault
	newLeader *newLeaderFault
	replay    *replayFault
	split     *splitFault
	joint     *jointFault
	links     *leaderLinkFault
	removal   *removalFault
	lease     *leaseFault
	stall     *stallFault
}

const (
	slotLeader execSlot = iota
	slotVoter
	slotNewLeader
	slotReplay
	slotSplit
	slotJoint
	slotLeaderLink
	slotRemoval
	slotLease
	slotStall
)

func newRuntimeFaults(env faultEnv, actions int) *runtimeFaults {
	rt := &runtimeFaults{
		voter:     &voterFault{crashWindow: newCrashWindow(env, slotVoter, faults.CrashVoter)},
		newLeader: &newLeaderFault{crashWindow: newCrashWindow(env, slotNewLeader, faults.CrashNewLeader)},
		replay:    &replayFault{crashWindow: newCrashWindow(env, slotReplay, faults.ReplayLeader)},
		split:     &splitFault{env: env},
		joint:     &jointFault{env: env},
		links:     &leaderLinkFault{env: env},
		removal:   &removalFault{env: env},
		lease:     &leaseFault{env: env},
		stall:     &stallFault{env: env},
	}
	rt.execs = []executor{
		slotLeader: &leaderFault{env: env, leaderOf: make([]int, actions)},
		slotVoter:  rt.voter, slotNewLeader: rt.newLeader, slotReplay: rt.replay, slotSplit: rt.split,
		slotJoint: rt.joint, slotLeaderLink: rt.links, slotRemoval: rt.removal, slotLease: rt.lease,
		slotStall: rt.stall,
	}
	rt.kinds = [][]faults.Kind{
		slotLeader: {faults.IsolateLeader, faults.CrashLeader, faults.PartitionLeader, faults.PauseLeader},
		slotVoter:  {faults.CrashVoter}, slotNewLeader: {faults.CrashNewLeader},
		slotReplay: {faults.ReplayLeader}, slotSplit: {faults.ConfigSplit},
		slotJoint: {faults.JointSplit}, slotLeaderLink: {faults.LeaderLink}, slotRemoval: {faults.LeaderRemoval},
		slotLease: {faults.LeaseSplit}, slotStall: {faults.DiskStall},
	}
	return rt
}

// of is the executor of kind k, nil if k is not a run-time fault.
func (rt *runtimeFaults) of(k faults.Kind) executor {
	for s, ks := range rt.kinds {
		for _, x := range ks {
			if x == k {
				return rt.execs[s]
			}
		}
	}
	return nil
}

// Hooks: what the world tells the room.

// voted: host from sent a granted vote to to in term.
func (rt *runtimeFaults) voted(from, to int, term uint64) {
	rt.voter.voted(from)
	rt.split.voted(from, to, term)
	rt.lease.voted(from, to, term)
}

// appendReply: host from sent an AppendEntries reply.
func (rt *runtimeFaults) appendReply(from int, m replica.Message, hd *replica.Header) {
	rt.replay.keep(from, m, hd)
}

// elected: host n became leader of term.
func (rt *runtimeFaults) elected(n int, term uint64) {
	rt.replay.seen(n, term)
	rt.split.seen(n, term)
}

// finishing: host n, whose last reported commit is commit, is about to
// send rd, durable; a fault may drop its messages and doom it (true).
func (rt *runtimeFaults) finishing(n int, rd *replica.Ready, commit uint64) bool {
	rt.removal.finishing(n) // leader-removal: may cut n off before rd leaves
	return rt.newLeader.finishing(n, rd, commit)
}

// configProposed: leader l proposed cc on top of configuration cs.
func (rt *runtimeFaults) configProposed(l int, cc replica.ConfigChange, cs replica.Membership) {
	rt.split.proposed(l, cc, cs) // config-split: may cut l off before the entry leaves
	rt.joint.proposed(l, cc, cs) // joint-split: likewise, C_old from C_new
}

// holds: the operator may take up membership request i (action a) now,
// unless a fault holds it back.
func (rt *runtimeFaults) holds(i int, a faults.Action) bool { return rt.split.holds(i, a) }
