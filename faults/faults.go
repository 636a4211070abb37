// Package faults holds fault schedules as data: a Schedule is a sorted list
// of timed Actions that can be printed (String), parsed (ParseText), saved as
// JSON, validated, generated from a seed (Generate), merged with named
// scenarios and shrunk (ShrinkCandidates). It runs nothing: the simulator
// replays a schedule against simnet and clock.
//
// Semantics the simulator implements (all times are global virtual ns):
//   - Links: a directed link is down while it is cut or while a flap window
//     holds it down. partition, oneway, cut, isolate and isolate-leader add
//     cuts; heallink removes cuts; heal removes every cut and resets every
//     link option. Flaps and clogs are separate: heal ends neither (a flap
//     ends at its UntilNs, a clog at its unclog).
//   - crash stops a node and loses its unsynced writes (all of them, or only
//     a random suffix when Torn); restart boots it from what was synced.
//   - pause stops the process (no ticks, no message handling) while its
//     clock keeps running; resume continues it.
//   - skew sets the node clock's offset from global time to OffsetNs (an
//     absolute value; the step is the difference); drift sets its rate error
//     in parts per million.
//   - isolate-leader and crash-leader carry Node 0: the simulator resolves
//     "the leader" at AtNs (highest-term leader among nodes that are up and
//     not paused; if none, the action is a no-op and is traced as such). At
//     UntilNs it heals that node's links (heallink n<->*) or restarts it.
//   - partition-leader carries Node 0, resolved at AtNs like isolate-leader,
//     and cuts the leader's links to the other nodes both ways; clients
//     still reach it, so a deposed leader keeps answering them. With
//     DriftPPM != 0 the leader's clock drifts DriftPPM and every other
//     node's -DriftPPM from AtNs on (a slow leader among fast followers,
//     the case a lease must survive). At UntilNs the cuts heal (heallink
//     n<->*) and every clock's drift returns to 0. Validate wants no clock
//     drifting at AtNs and no drift action in the window.
//   - pause-leader carries Node 0, resolved at AtNs like isolate-leader: it
//     cuts the leader's links to the other servers both ways (clients
//     still reach it) and pauses its process; at two thirds of the window
//     the process resumes, still cut off, and at UntilNs the cuts heal
//     (heallink n<->*). A host that runs every tick it missed while paused
//     finds its lease expired; one that drops them (a Go time.Ticker)
//     answers reads on a lease the others no longer honour.
//   - crash-voter carries Node 0 and opens a window [AtNs, UntilNs): each
//     node that sends a granted vote (MsgVoteResp) in it is crashed at that
//     moment, before any fsync still in progress completes, and restarted
//     soon after (within a tick; at UntilNs at the latest). A node that
//     persists its vote before sending it loses nothing; one that sends
//     first forgets the vote. Overlapping crash-voter windows are invalid.
//   - crash-new-leader carries Node 0 and opens a window [AtNs, UntilNs):
//     each leader seen in it is crashed, three times in four (a seeded
//     draw) as its first Ready of the term is durable, else at the Ready
//     that first advances its commit index in the term, after it is
//     applied; either way before that Ready's messages leave. It restarts
//     after two to four election timeouts (at UntilNs at the latest). The
//     first crash leaves a node alone with an entry of a newer term (its
//     no-op); the second costs a correct leader nothing, as its first
//     commit includes its no-op, held by a majority, but one that commits
//     earlier-term entries by counting replicas (Raft Figure 8) leaves them
//     to be overwritten by such a node. Overlapping crash-new-leader
//     windows are invalid.
//   - replay-leader carries Node 0 and opens a window [AtNs, UntilNs) in
//     two parts, split at a third of it (mid). At AtNs it resolves the
//     leader L as isolate-leader does (none: a no-op) and draws helpers,
//     ceil(V/2)-2 of the other V voters of its configuration (none for 3
//     or 4 voters; learners and spares stay with the rest): L and
//     its helpers, a minority, are cut off from the rest, both ways.
//     Until mid, L may go on appending entries its helpers acknowledge
//     but the majority side never sees. At mid, L's cuts heal; the
//     helpers stay cut from the rest (not from L) until UntilNs. From mid
//     on, every other node seen leading is crashed half an election
//     timeout later, for two election timeouts (to UntilNs at most), so L
//     is likely to lead again, with the helpers' votes. All through the
//     window the network keeps a copy of the successful AppendEntries reply
//     with the highest index each node sends L in the term L led at AtNs,
//     and sends the copies to L again (from their senders, as new messages)
//     each time L becomes leader of a later term before UntilNs: a
//     duplicate, delayed across elections. A correct leader drops replies
//     of an older term; one that takes them believes a helper stores L's
//     old, overwritten entries and tells it to commit them. Overlapping
//     replay-leader windows are invalid.
//   - config-split carries Node 0 and opens a window [AtNs, UntilNs) over
//     membership changes (Ongaro's single-server race, raft-dev 2015). The
//     first time in it that a leader L proposes a configuration entry that
//     adds a voter V, L and V are cut off from every other host, both ways,
//     so the entry reaches none of them. Until then, remove-node requests
//     arriving in the window are held (the operator takes them up at that
//     moment): a second operator's removal lands just after the first's
//     addition. When a leader of a later term is elected on the other side,
//     nodes that granted it their votes and are voters of L's new
//     configuration (first the one the operator is asked to remove) move
//     to L's side at once, before they store that leader's entries, until
//     L's side holds a quorum of that configuration. At UntilNs the cuts
//     heal. A core that lets the new leader change the configuration
//     before it commits an entry of its term then commits a removal with a
//     quorum of the smaller set, while L's side, a quorum of L's set, can
//     elect a leader that lacks it. Drawn with the membership requests
//     (the race plan, membership.go), not as an episode. Overlapping
//     config-split windows are invalid.
//   - joint-split carries Node 0 and opens a window [AtNs, UntilNs) over a
//     joint membership change (thesis §4.3). The first time in it that a
//     leader L appends a joint configuration C_old,new in which a majority
//     of C_new and a disjoint majority of C_old exist, the servers split
//     in two, both ways: L's side, a majority of C_new with L (as small as
//     it can be), and the rest, holding a majority of C_old, which never
//     receives the joint entry while the split lasts: six election
//     timeouts, or to UntilNs if that is sooner. Each side can go on without
//     the other only if it ignores one half of the joint quorum; a correct
//     core makes progress on the old side alone. About two election
//     timeouts after the split, if L still leads, it is crashed and
//     restarted a tick later, so L's side holds an election in the joint
//     configuration (with or without CheckQuorum). Drawn with the
//     membership requests: a window of 20 to 30 election timeouts opens
//     with each replace-node request (no overlap), whatever the run's
//     membership mode (with single-voter changes it never splits).
//     Overlapping joint-split windows are invalid.
//   - leader-removal carries Node 0 and opens a window [AtNs, UntilNs). The
//     first time in it that a leader L is about to send a Ready in which
//     its configuration in force no longer counts it as a voter (it
//     appended its own removal: a single-server change, or C_new leaving
//     a joint configuration), L is cut off from every other server, both
//     ways, before that Ready leaves: it alone holds the uncommitted
//     change. If L still leads two election timeouts later it is crashed
//     and restarted a tick later; the cut heals after five election
//     timeouts, or at UntilNs if that is sooner. With two voters only L can
//     then finish the change: it must campaign although its newest
//     configuration excludes it (thesis §4.2.2). Drawn with the membership
//     requests: a window of 20 to 30 election timeouts opens with each
//     remove-node and replace-node request (no overlap). Overlapping
//     leader-removal windows are invalid.
//   - leader-link carries ranks in From and To (1..Voters, distinct): rank
//     1 is the leader resolved at AtNs as isolate-leader resolves it (if
//     none, the leader elected last, else node 1), rank r the node r-1
//     places after it in id order, cyclically among the voters. It cuts the
//     link between the two nodes both ways until UntilNs; cuts of
//     overlapping leader-link windows on one link are counted, so the link
//     heals when the last of them ends. Its text form names ranks as L,
//     L+1, ...: "leader-link L<->L+2 until=3s". Studies build the shapes of
//     partial connectivity that follow the leader (flapping leader links,
//     quorum loss, chains) from it.
//   - disk-stall carries Node 0 and opens a window [AtNs, UntilNs). At AtNs
//     it resolves the leader L as isolate-leader does (none: a no-op) and
//     draws a follower F among the voters of L's configuration that are
//     up. F's disk stalls: no sync of F completes before UntilNs (one in
//     progress, or started in the window, completes at UntilNs), while F's
//     process runs on, taking entries into its unsynced log and sending
//     nothing that waits on the sync. At a third of the window L is cut
//     off, both ways, from every other server but F, until UntilNs: the
//     others elect a leader without L's newest entries, and F, holding them
//     unsynced, has them overwritten before its disk syncs (a core that
//     truncates its unsynced log wrongly, or marks durable what was
//     replaced, breaks here). A crash of F in the window loses everything
//     since its last sync; a restarted F's disk is still stalled. Drawn by
//     drawDiskStalls, not as an episode, when the kinds name it.
//     Overlapping disk-stall windows are invalid.
//   - outage is no action: when the kinds name it, drawOutage isolates one
//     voter (an isolate, then a heallink of it at QuietAtNs) from a time
//     drawn in the last two thirds of the fault phase, where no episode
//     holds its links any more, to the quiet phase: at least 12 election
//     timeouts, longer than any episode. It comes back far behind, by
//     thousands of entries or past the leader's compaction, and the
//     catch-up check wants it caught up within the op bound.
//   - A window (flap, isolate-leader, crash-leader, crash-voter,
//     crash-new-leader, replay-leader, partition-leader, pause-leader,
//     config-split, joint-split, leader-removal, disk-stall) ends at UntilNs before
//     the actions listed at that time. Validate keeps crash, pause and
//     crash-leader out of a crash-leader window including its end, and a
//     new flap on a link out of the previous one there, end included.
//
// Membership (see membership.go): add-node, remove-node and replace-node
// are requests to the cluster's operator, not faults. Hosts 1..Voters start
// as the configuration; the others are spares, up but outside it. The
// operator takes up each request when it arrives and works on all it
// holds, offering their next steps in turn through whichever node leads
// (a leader takes one configuration change at a time); a request that no
// longer makes sense (the node is already a member, or gone) is skipped.
// A removed node is shut down for good some election timeouts after its
// removal commits: later crash, restart or partition actions on it do
// nothing. Membership requests may coexist with any fault.
//
// Quiet phase: from QuietAtNs on nothing happens. Actions at exactly
// QuietAtNs must be healing ones, and after them every node is up and
// running, no link is cut, clogged or has options, no flap is open and no
// node drifts. Skew offsets are kept: the clocks then run at rate 1, so
// timers are exact and liveness bounds can be judged; a constant offset does
// not change any timeout.
package faults

import "github.com/faultline-sim/faultline/internal/prng"

// Kind names an action. The string is used in the text and JSON forms.
type Kind string

// Kinds of actions. Node ids are 1..Nodes; 0 in From/To means "every node"
// where a wildcard is allowed (link, heallink).
const (
	Partition       Kind = "partition"        // Groups: cut every link between groups
	OneWay          Kind = "oneway"           // cut From->To only
	Cut             Kind = "cut"              // cut From->To and To->From
	Isolate         Kind = "isolate"          // cut every link of Node, both ways
	Heal            Kind = "heal"             // remove all cuts, reset all link options
	HealLink        Kind = "heallink"         // remove cuts From<->To (0 = any node)
	Crash           Kind = "crash"            // Node stops, unsynced writes lost (Torn: a suffix)
	Restart         Kind = "restart"          // crashed Node boots from synced state
	Pause           Kind = "pause"            // Node's process stops; its clock does not
	Resume          Kind = "resume"           // paused Node continues
	Skew            Kind = "skew"             // Node clock offset := OffsetNs
	Drift           Kind = "drift"            // Node clock rate error := DriftPPM
	Link            Kind = "link"             // From->To options := Loss, Dup, latency (0 = all)
	Flap            Kind = "flap"             // From<->To toggles up/down until UntilNs
	Clog            Kind = "clog"             // From->To holds messages
	Unclog          Kind = "unclog"           // From->To releases held messages
	IsolateLeader   Kind = "isolate-leader"   // isolate the leader at AtNs until UntilNs
	CrashLeader     Kind = "crash-leader"     // crash the leader at AtNs, restart at UntilNs
	CrashVoter      Kind = "crash-voter"      // until UntilNs, crash each node as it grants a vote
	CrashNewLeader  Kind = "crash-new-leader" // until UntilNs, crash each leader as elected or at its first commit
	ReplayLeader    Kind = "replay-leader"    // cut the leader off, bring it back, replay its old replies when it leads again
	AddNode         Kind = "add-node"         // membership: Node joins as a learner, catches up, becomes a voter
	RemoveNode      Kind = "remove-node"      // membership: Node leaves the configuration and is shut down
	ReplaceNode     Kind = "replace-node"     // membership: To joins (as add-node), then From leaves, in one change
	ConfigSplit     Kind = "config-split"     // until UntilNs, cut a leader off as it proposes a voter change; move a voter of the next leader to its side
	PauseLeader     Kind = "pause-leader"     // cut the leader off from the other servers and pause it; resume at 2/3, heal at UntilNs
	PartitionLeader Kind = "partition-leader" // cut the leader off from the other nodes until UntilNs; its drift := DriftPPM, theirs := -DriftPPM
	JointSplit      Kind = "joint-split"      // until UntilNs, split C_old from C_new as a leader appends a joint configuration
	LeaderRemoval   Kind = "leader-removal"   // until UntilNs, cut a leader off as it appends a configuration that removes it
	LeaderLink      Kind = "leader-link"      // cut the link between two nodes named relative to the leader, both ways, until UntilNs
	LeaseSplit      Kind = "lease-split"      // until UntilNs, cut a follower off from the leader, then the leader from every server once another node leads
	DiskStall       Kind = "disk-stall"       // until UntilNs, a follower's disk completes no sync; from a third on, the leader is cut from all but it
	Outage          Kind = "outage"           // not an action: drawOutage's isolate of one voter until the quiet phase
)

// AllKinds lists every kind in a stable order.
var AllKinds = []Kind{Partition, OneWay, Cut, Isolate, Heal, HealLink, Crash,
	Restart, Pause, Resume, Skew, Drift, Link, Flap, Clog, Unclog,
	IsolateLeader, CrashLeader, CrashVoter, CrashNewLeader, ReplayLeader, PartitionLeader, PauseLeader, ConfigSplit, JointSplit, LeaderRemoval, LeaderLink, LeaseSplit, DiskStall, AddNode, RemoveNode, ReplaceNode}

// Action is one timed fault. Only the fields its Kind uses may be non-zero
// (Validate enforces it), so the text and JSON forms carry the same data.
type Action struct {
	AtNs         int64      `json:"at_ns"`
	Kind         Kind       `json:"kind"`
	Node         int        `json:"node,omitempty"`
	From         int        `json:"from,omitempty"`
	To           int        `json:"to,omitempty"`
	Groups       [][]int    `json:"groups,omitempty"`
	Torn         bool       `json:"torn,omitempty"`           // crash: lose a random suffix of unsynced writes
	OffsetNs     int64      `json:"offset_ns,omitempty"`      // skew: absolute clock offset
	DriftPPM     int64      `json:"drift_ppm,omitempty"`      // drift, partition-leader: rate error, parts per million
	Loss         prng.Ratio `json:"loss,omitzero"`            // link: drop probability (JSON: omitted only if {0,0})
	Dup          prng.Ratio `json:"dup,omitzero"`             // link: duplicate probability
	LatencyMinNs int64      `json:"latency_min_ns,omitempty"` // link: 0..0 = network default
	LatencyMaxNs int64      `json:"latency_max_ns,omitempty"`
	UntilNs      int64      `json:"until_ns,omitempty"`    // flap, *-leader: window end (exclusive)
	MinUpNs      int64      `json:"min_up_ns,omitempty"`   // flap: shortest up phase
	MinDownNs    int64      `json:"min_down_ns,omitempty"` // flap: shortest down phase
}

// Schedule is a whole run's faults. Invariant (Validate): Actions sorted by
// AtNs, all within [0, QuietAtNs], 0 <= QuietAtNs <= EndNs.
type Schedule struct {
	Nodes     int      `json:"nodes"`            // hosts, spares included
	Voters    int      `json:"voters,omitempty"` // hosts 1..Voters start as voters, the rest as spares; 0 = all
	QuietAtNs int64    `json:"quiet_at_ns"`      // faults end here; see package doc
	EndNs     int64    `json:"end_ns"`           // the run ends here
	Actions   []Action `json:"actions"`
}

// MaxNodes bounds Schedule.Nodes.
const MaxNodes = 64

// Size is the shrinking measure: fewer actions first, then EndWeightNs, the
// sum of the times of ending actions (restart, resume, unclog, heal,
// heallink and resets: skew 0, drift 0, link without options) plus the
// lengths UntilNs-AtNs of window actions (flap, isolate-leader,
// crash-leader, crash-voter, crash-new-leader, replay-leader, partition-leader,
// pause-leader, config-split, joint-split, leader-removal, leader-link).
// Every shrink candidate is strictly smaller.
type Size struct {
	Actions     int
	EndWeightNs int64
}

// Less orders sizes lexicographically.
func (a Size) Less(b Size) bool {
	if a.Actions != b.Actions {
		return a.Actions < b.Actions
	}
	return a.EndWeightNs < b.EndWeightNs
}
