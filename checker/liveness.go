package checker

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Timeouts are the run's timing options the liveness bounds derive from.
type Timeouts struct {
	TickNs         int64 // virtual nanoseconds per Raft tick
	ElectionTicks  int   // base election timeout; randomized in [E, 2E)
	HeartbeatTicks int
	MaxLatencyNs   int64 // one-way message latency bound in the quiet phase
	ClientRetryNs  int64 // how long a client waits for a reply before retrying
}

// Validate names the first bad field.
func (t Timeouts) Validate() error {
	switch {
	case t.TickNs <= 0:
		return fmt.Errorf("tick: %dns must be > 0", t.TickNs)
	case t.ElectionTicks <= 0 || t.HeartbeatTicks <= 0 || t.HeartbeatTicks >= t.ElectionTicks:
		return fmt.Errorf("heartbeat-ticks: %d must be in [1, election-ticks %d)", t.HeartbeatTicks, t.ElectionTicks)
	case t.MaxLatencyNs < 0:
		return fmt.Errorf("max-latency: %dns must be >= 0", t.MaxLatencyNs)
	case t.ClientRetryNs <= 0:
		return errors.New("client-retry: must be > 0")
	}
	return nil
}

// LivenessBounds are how long the quiet phase may take to make progress.
type LivenessBounds struct {
	LeaderNs int64 // from quiet start until a leader of the highest term exists
	OpNs     int64 // from max(call, quiet start) until a pending op completes
}

// electionRounds is how many full election timeouts a healed cluster may
// need (split votes, disruptive candidates, pre-vote rounds).
const electionRounds = 10

// DeriveBounds: a round is the longest election timeout (2E ticks) plus a
// vote round trip; LeaderNs allows electionRounds rounds. OpNs adds two client
// retry periods (a request sent to a dead leader, then its retry), a heartbeat
// and two replication round trips.
func DeriveBounds(t Timeouts) LivenessBounds {
	round := 2*int64(t.ElectionTicks)*t.TickNs + 2*t.MaxLatencyNs
	leader := electionRounds * round
	op := leader + 2*t.ClientRetryNs + int64(t.HeartbeatTicks)*t.TickNs + 4*t.MaxLatencyNs
	return LivenessBounds{LeaderNs: leader, OpNs: op}
}

// Liveness checks progress after the quiet phase (faults healed) begins:
// within LeaderNs some node leads the highest term any node reported, and
// every client's pending operation completes within OpNs. Feed it events and
// call Check(now) whenever convenient (at least once at the end of the run).
type Liveness struct {
	bounds     LivenessBounds
	quiet      bool
	quietNs    int64
	roles      map[int]uint64 // leaders: node -> term
	terms      map[int]uint64 // highest term each node reported
	retired    map[int]bool   // nodes removed from the cluster for good
	maxTerm    uint64         // highest term of a node not retired
	leaderAtNs int64          // first time >= quietNs with a leader of maxTerm; -1 none
	calmNs     int64          // start of the calm span being judged; -1 none
	calmLed    bool           // some node led maxTerm since calmNs
	pending    map[int]pendingOp
	first      *Violation
}

type pendingOp struct {
	callNs int64
	desc   string
}

// NewLiveness checks against bounds (see DeriveBounds).
func NewLiveness(b LivenessBounds) *Liveness {
	return &Liveness{bounds: b, roles: map[int]uint64{}, terms: map[int]uint64{}, retired: map[int]bool{},
		leaderAtNs: -1, calmNs: -1, pending: map[int]pendingOp{}}
}

// CalmStart begins a calm span of the fault phase (every fault healed; see
// faults.Schedule.CalmSpans) that lasts longer than LeaderNs. The leader
// bound of the quiet phase holds there too: CalmJudge, called LeaderNs
// later, reports a violation unless some node led the highest term
// meanwhile.
func (l *Liveness) CalmStart(atNs int64) {
	l.calmNs, l.calmLed = atNs, l.leading()
}

// CalmJudge ends the calm span begun by CalmStart (see there).
func (l *Liveness) CalmJudge(atNs int64) {
	if l.calmNs < 0 {
		return
	}
	if !l.calmLed && l.first == nil {
		l.first = &Violation{Check: CheckLiveness, AtNs: atNs, Nodes: slices.Sorted(maps.Keys(l.roles)),
			Msg: fmt.Sprintf("no leader: no node led the highest term %d within %s of the calm span (faults healed) from %s",
				l.maxTerm, FormatNs(l.bounds.LeaderNs), FormatNs(l.calmNs))}
	}
	l.calmNs = -1
}

// leading reports whether some node leads the highest term.
func (l *Liveness) leading() bool {
	for _, term := range l.roles {
		if term == l.maxTerm {
			return true
		}
	}
	return false
}

// QuietStart marks the start of the quiet phase; later calls are ignored.
func (l *Liveness) QuietStart(atNs int64) {
	if l.quiet {
		return
	}
	l.quiet, l.quietNs = true, atNs
	l.noteLeader(atNs)
}

// Role records node's term and whether it is now leader (Ready.SoftState and
// HardState changes; a restart reports leader false).
func (l *Liveness) Role(atNs int64, node int, term uint64, leader bool) {
	if l.retired[node] {
		return
	}
	l.terms[node] = max(l.terms[node], term)
	l.maxTerm = max(l.maxTerm, term)
	if leader {
		l.roles[node] = term
	} else {
		delete(l.roles, node)
	}
	l.noteLeader(atNs)
}

// Retire records that node left the cluster for good (its removal from
// the configuration committed and it was shut down): its terms no longer
// count, so a removed node that campaigned alone does not hold the healed
// cluster to a term it never heard of.
func (l *Liveness) Retire(atNs int64, node int) {
	l.retired[node] = true
	l.Crash(atNs, node)
}

// Crash records that node's process stopped: until it restarts, its terms
// do not count (a node that is down can hold no one back; a removed node
// crashed before it is retired never comes back), and it leads nothing.
func (l *Liveness) Crash(atNs int64, node int) {
	delete(l.roles, node)
	delete(l.terms, node)
	l.recomputeMax()
	l.noteLeader(atNs)
}

// Restart records that node booted from a disk whose term is term: a term
// it reported but had not synced when it crashed is gone (the host sends a
// Ready's messages only once it is durable, so no other node heard of it).
func (l *Liveness) Restart(atNs int64, node int, term uint64) {
	if l.retired[node] {
		return
	}
	l.terms[node] = term
	l.maxTerm = max(l.maxTerm, term)
	l.noteLeader(atNs)
}

// recomputeMax sets maxTerm to the highest term of the nodes that count.
func (l *Liveness) recomputeMax() {
	l.maxTerm = 0
	for _, t := range l.terms { // order-free: a max
		l.maxTerm = max(l.maxTerm, t)
	}
}

// InQuiet reports whether the quiet phase has begun.
func (l *Liveness) InQuiet() bool { return l.quiet }

func (l *Liveness) noteLeader(atNs int64) {
	if l.calmNs >= 0 && !l.calmLed {
		l.calmLed = l.leading()
	}
	if l.quiet && l.leaderAtNs < 0 && l.leading() {
		l.leaderAtNs = atNs
	}
}

// Invoke records that client called an operation, desc naming it for the
// report (e.g. `put("x", "5") seq 7`). One outstanding op per client.
func (l *Liveness) Invoke(atNs int64, client int, desc string) {
	l.pending[client] = pendingOp{callNs: atNs, desc: desc}
}

// Complete records that client's pending operation got a final answer.
func (l *Liveness) Complete(atNs int64, client int) { delete(l.pending, client) }
