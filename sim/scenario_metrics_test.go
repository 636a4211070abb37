package sim

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-sim/faultline/checker"
)

// scObservation is what a scenario's expectations and observed block are
// judged on: the Result, plus leaderships and campaigns read from the kept
// trace (the trace is the simulator's only record of who led when).
type scObservation struct {
	r          *Result
	electionNs int64      // base election timeout, ElectionTicks * TickNs
	leaders    []scLeader // by first message, then term
	campaigns  []uint64   // terms in which a Vote request was delivered, sorted
	splits     []uint64   // terms with Vote requests from two or more candidates, sorted
	appends    []scAppend // delivered App messages that carried entries
}

// scAppend is one delivered App message with entries.
type scAppend struct {
	atNs    int64
	term    uint64
	entries int64
}

// scLeader is one node leading one term, as its peers saw it: the first
// and last delivered App, Heartbeat or Snap it sent in that term.
type scLeader struct {
	node            int
	term            uint64
	firstNs, lastNs int64
}

func scObserve(r *Result) (*scObservation, error) {
	ob := &scObservation{r: r, electionNs: int64(r.Options.ElectionTicks) * r.Options.TickNs}
	type key struct {
		node int
		term uint64
	}
	spans := map[key]*scLeader{}
	campaigns := map[uint64]map[int]bool{} // term -> candidates
	for i, line := range r.Trace {
		at, from, typ, term, entries, ok, err := parseRecv(line)
		if err != nil {
			return nil, fmt.Errorf("trace line %d %q: %w", i+1, line, err)
		}
		if !ok || from > r.Options.hosts() {
			continue
		}
		switch typ {
		case "App", "Accept", "Heartbeat", "Snap": // Accept, Prepare: Paxos's names
			if entries > 0 {
				ob.appends = append(ob.appends, scAppend{at, term, entries})
			}
			k := key{from, term}
			if s := spans[k]; s != nil {
				s.lastNs = at
			} else {
				spans[k] = &scLeader{node: from, term: term, firstNs: at, lastNs: at}
			}
		case "Vote", "Prepare":
			if campaigns[term] == nil {
				campaigns[term] = map[int]bool{}
			}
			campaigns[term][from] = true
		}
	}
	for _, s := range spans {
		ob.leaders = append(ob.leaders, *s)
	}
	slices.SortFunc(ob.leaders, func(a, b scLeader) int {
		return cmp.Or(cmp.Compare(a.firstNs, b.firstNs), cmp.Compare(a.term, b.term), cmp.Compare(a.node, b.node))
	})
	for t, cands := range campaigns {
		ob.campaigns = append(ob.campaigns, t)
		if len(cands) > 1 {
			ob.splits = append(ob.splits, t)
		}
	}
	slices.Sort(ob.campaigns)
	slices.Sort(ob.splits)
	return ob, nil
}

// parseRecv reads "<s>.<ns> n<to> recv from=<id> m=<type> t=<term> ... n=<entries>";
// ok is false for other lines and for dropped or non-Raft packets.
func parseRecv(line string) (atNs int64, from int, typ string, term uint64, entries int64, ok bool, err error) {
	f := strings.Fields(line)
	if len(f) < 3 || f[2] != "recv" {
		return 0, 0, "", 0, 0, false, nil
	}
	sec, frac, _ := strings.Cut(f[0], ".")
	s, err1 := strconv.ParseInt(sec, 10, 64)
	ns, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || len(frac) != 9 {
		return 0, 0, "", 0, 0, false, fmt.Errorf("bad time %q", f[0])
	}
	kv := map[string]string{}
	for _, x := range f[3:] {
		k, v, _ := strings.Cut(x, "=")
		kv[k] = v
	}
	if kv["m"] == "" {
		return 0, 0, "", 0, 0, false, nil
	}
	from, err1 = strconv.Atoi(kv["from"])
	term, err2 = strconv.ParseUint(kv["t"], 10, 64)
	entries, err3 := strconv.ParseInt(kv["n"], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, "", 0, 0, false, fmt.Errorf("bad from, t or n")
	}
	return s*1e9 + ns, from, kv["m"], term, entries, true, nil
}

// maxLeaders is the most nodes that led at once, each in its own term, for
// at least one election timeout: a handover, where the old leader's last
// heartbeats land just after the new leader's first, does not count.
func (ob *scObservation) maxLeaders() int64 {
	type edge struct {
		at int64
		d  int
	}
	var edges []edge
	for _, l := range ob.leaders {
		edges = append(edges, edge{l.firstNs, +1}, edge{l.lastNs, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.d, b.d)) })
	best, cur := 0, 0
	for i, e := range edges {
		cur += e.d
		if i+1 < len(edges) && edges[i+1].at-e.at >= ob.electionNs {
			best = max(best, cur)
		}
	}
	if len(ob.leaders) > 0 {
		best = max(best, 1)
	}
	return int64(best)
}

// leaderAt is the node leading the highest term at atNs, "none" if none.
func (ob *scObservation) leaderAt(atNs int64) string {
	best := scLeader{}
	for _, l := range ob.leaders {
		if l.firstNs <= atNs && atNs <= l.lastNs && l.term > best.term {
			best = l
		}
	}
	if best.node == 0 {
		return "none"
	}
	return scNode(best.node)
}

// leadersAfter counts leaderships first heard of after atNs.
func (ob *scObservation) leadersAfter(atNs int64) int64 {
	n := int64(0)
	for _, l := range ob.leaders {
		if l.firstNs > atNs {
			n++
		}
	}
	return n
}

// lostCampaigns counts terms with a delivered Vote request and no leader:
// split votes, and campaigns of a node whose log or term could not win.
func (ob *scObservation) lostCampaigns() int64 {
	n := int64(0)
	for _, t := range ob.campaigns {
		if !slices.ContainsFunc(ob.leaders, func(l scLeader) bool { return l.term == t }) {
			n++
		}
	}
	return n
}

// okAfter counts successful operations that returned after atNs.
func (ob *scObservation) okAfter(atNs int64) int64 {
	n := int64(0)
	for _, op := range ob.r.History {
		if op.Status == checker.StatusOK && op.Return > atNs {
			n++
		}
	}
	return n
}

// lastOK is when the last successful operation returned, 0 if none did.
func (ob *scObservation) lastOK() int64 {
	last := int64(0)
	for _, op := range ob.r.History {
		if op.Status == checker.StatusOK {
			last = max(last, op.Return)
		}
	}
	return last
}

// staleEntries counts entries delivered in App messages of a leader after a
// leader of a higher term was heard from, and the terms they were sent in:
// what a superseded (usually partitioned) leader replicated, mostly its
// uncommitted suffix, which a newer leader must overwrite.
func (ob *scObservation) staleEntries() (entries, terms int64) {
	seen := map[uint64]bool{}
	for _, a := range ob.appends {
		if slices.ContainsFunc(ob.leaders, func(l scLeader) bool { return l.term > a.term && l.firstNs < a.atNs }) {
			entries += a.entries
			seen[a.term] = true
		}
	}
	return entries, int64(len(seen))
}

// votersAt reads the trace's config lines ("<t> n2 config i=7 voters=1,2,3 ...").
func (ob *scObservation) votersAt(atNs int64) string {
	voters := make([]string, ob.r.Options.Nodes)
	for i := range voters {
		voters[i] = strconv.Itoa(i + 1)
	}
	return ob.configAt(atNs, "voters=", strings.Join(voters, ","))
}

// configAt is field key of the newest configuration line by the time, cur
// if none.
func (ob *scObservation) configAt(atNs int64, key, cur string) string {
	for _, line := range ob.r.Trace {
		f := strings.Fields(line)
		if len(f) < 4 || f[2] != "config" {
			continue
		}
		d, err := time.ParseDuration(f[0] + "s")
		if err != nil || d.Nanoseconds() > atNs {
			break
		}
		for _, kv := range f[3:] {
			if v, ok := strings.CutPrefix(kv, key); ok {
				cur = v
			}
		}
	}
	return cur
}

func scNode(n int) string { return "n" + strconv.Itoa(n) }

// Metric kinds: how a value is parsed, compared and printed.
const (
	scInt = iota
	scDur
	scStr
)

type scMetric struct {
	kind     int
	windowed bool // takes a time argument
	doc      string
	get      func(ob *scObservation, argNs int64) any // int64 or string
}

// scenarioMetrics are the names an expect block may use.
var scenarioMetrics = map[string]scMetric{
	"verdict": {scStr, false, "pass, violation, inconclusive or liveness",
		func(ob *scObservation, _ int64) any { return string(ob.r.Verdict) }},
	"check": {scStr, false, "the failed check, - on a pass",
		func(ob *scObservation, _ int64) any { return scDash(ob.r.Check) }},
	"elections": {scInt, false, "leaders elected (Avail.Elections)",
		func(ob *scObservation, _ int64) any { return int64(ob.r.Avail.Elections) }},
	"max-term": {scInt, false, "highest term a leader was elected in (Avail.MaxTerm)",
		func(ob *scObservation, _ int64) any { return int64(ob.r.Avail.MaxTerm) }},
	"leaderless": {scDur, false, "virtual time with no node leading (Avail.LeaderlessNs)",
		func(ob *scObservation, _ int64) any { return ob.r.Avail.LeaderlessNs }},
	"ops-ok": {scInt, false, "client operations that succeeded",
		func(ob *scObservation, _ int64) any { return int64(ob.r.Ops.OK) }},
	"ops-fail": {scInt, false, "client operations that failed",
		func(ob *scObservation, _ int64) any { return int64(ob.r.Ops.Fail) }},
	"ops-unknown": {scInt, false, "client operations with no known outcome",
		func(ob *scObservation, _ int64) any { return int64(ob.r.Ops.Unknown) }},
	"ops-ok-after": {scInt, true, "client operations that succeeded, returning after the time",
		func(ob *scObservation, at int64) any { return ob.okAfter(at) }},
	"stale-entries": {scInt, false, "entries delivered from a leader already superseded by a higher term (trace)",
		func(ob *scObservation, _ int64) any { n, _ := ob.staleEntries(); return n }},
	"stale-terms": {scInt, false, "terms whose leader sent such stale entries (trace)",
		func(ob *scObservation, _ int64) any { _, n := ob.staleEntries(); return n }},
	"max-leaders": {scInt, false, "most nodes leading at once for an election timeout (trace)",
		func(ob *scObservation, _ int64) any { return ob.maxLeaders() }},
	"split-terms": {scInt, false, "terms in which two or more candidates requested votes (trace)",
		func(ob *scObservation, _ int64) any { return int64(len(ob.splits)) }},
	"lost-campaigns": {scInt, false, "terms with a delivered Vote request and no leader (trace)",
		func(ob *scObservation, _ int64) any { return ob.lostCampaigns() }},
	"leaders-after": {scInt, true, "leaderships first heard of after the time (trace)",
		func(ob *scObservation, at int64) any { return ob.leadersAfter(at) }},
	"voters-at": {scStr, true, "voters of the newest configuration applied by the time, e.g. 1,2,3 (trace)",
		func(ob *scObservation, at int64) any { return ob.votersAt(at) }},
	"outgoing-at": {scStr, true, "outgoing voters of the newest configuration applied by the time, - if not joint (trace)",
		func(ob *scObservation, at int64) any { return ob.configAt(at, "outgoing=", "-") }},
	"leader-at": {scStr, true, "node leading the highest term at the time, or none (trace)",
		func(ob *scObservation, at int64) any { return ob.leaderAt(at) }},
}

func scMetricNames() []string {
	names := make([]string, 0, len(scenarioMetrics))
	for n := range scenarioMetrics {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (m scMetric) usage() string {
	if m.windowed {
		return "want \"<metric> <time> <op> <value>\""
	}
	return "want \"<metric> <op> <value>\", no time argument"
}

func (m scMetric) ops() string {
	if m.kind == scStr {
		return "== or !="
	}
	return strings.Join(scOps, " ")
}

// parse reads a wanted value: an integer, a duration like 1.5s, or a word.
func (m scMetric) parse(s string) (any, error) {
	switch m.kind {
	case scInt:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want a whole number, got %q", s)
		}
		return v, nil
	case scDur:
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, fmt.Errorf("want a duration like 1.5s, got %q", s)
		}
		return int64(d), nil
	}
	return s, nil
}

// check judges one scExpect; the error says what was observed.
func (ob *scObservation) check(e scExpect) error {
	m := scenarioMetrics[e.metric]
	want, _ := m.parse(e.want) // validated when the file was parsed
	got := m.get(ob, e.argNs)
	var c int
	switch g := got.(type) {
	case int64:
		c = cmp.Compare(g, want.(int64))
	case string:
		c = strings.Compare(g, want.(string))
	}
	holds := map[string]bool{"==": c == 0, "!=": c != 0, "<=": c <= 0, ">=": c >= 0, "<": c < 0, ">": c > 0}[e.op]
	if holds {
		return nil
	}
	return fmt.Errorf("expect %q does not hold: %s is %s", e.text, e.metric, m.format(got))
}

func (m scMetric) format(v any) string {
	if m.kind == scDur {
		return time.Duration(v.(int64)).String()
	}
	return fmt.Sprint(v)
}

func scDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// observedBlock renders the observed block, one fact a line, as -update
// writes it and as the test compares it.
func (ob *scObservation) observedBlock() []string {
	r := ob.r
	staleN, staleTerms := ob.staleEntries()
	out := []string{
		"verdict " + string(r.Verdict),
		"check " + scDash(r.Check),
		fmt.Sprintf("elections %d", r.Avail.Elections),
		fmt.Sprintf("max-term %d", r.Avail.MaxTerm),
		"leaderless " + time.Duration(r.Avail.LeaderlessNs).String(),
		fmt.Sprintf("ops ok=%d fail=%d unknown=%d last-ok=%s", r.Ops.OK, r.Ops.Fail, r.Ops.Unknown,
			time.Duration(ob.lastOK())),
		fmt.Sprintf("max-leaders %d", ob.maxLeaders()),
		fmt.Sprintf("split-terms %d", len(ob.splits)),
		fmt.Sprintf("lost-campaigns %d", ob.lostCampaigns()),
		fmt.Sprintf("stale-entries %d terms=%d", staleN, staleTerms),
	}
	for _, l := range ob.leaders {
		out = append(out, fmt.Sprintf("leader %s term %d %s..%s", scNode(l.node), l.term,
			time.Duration(l.firstNs), time.Duration(l.lastNs)))
	}
	out = append(out, fmt.Sprintf("events %d", r.Events), "trace "+r.TraceHash)
	return out
}
