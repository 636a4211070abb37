package faults

import (
	"fmt"
	"strconv"
	"strings"
)

// String writes the text form: a header (nodes, quiet, end) and one action
// per line, "<time> <kind> <target> <options>". ParseText reads it back to
// an equal Schedule.
func (s Schedule) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# faultline fault schedule\nnodes %d\n", s.Nodes)
	if s.Voters != 0 {
		fmt.Fprintf(&b, "voters %d\n", s.Voters)
	}
	fmt.Fprintf(&b, "quiet %s\nend %s\n", formatFixed(s.QuietAtNs, 0), formatFixed(s.EndNs, 0))
	for _, a := range s.Actions {
		b.WriteString(a.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// String writes one action line, e.g. "1.250s crash n2 torn".
func (a Action) String() string {
	return formatFixed(a.AtNs, 3) + " " + describe(a) + actionOptions(a)
}

// describe names an action's kind and target: "crash n2", "oneway n1->n3".
func describe(a Action) string {
	switch a.Kind {
	case Partition:
		parts := make([]string, len(a.Groups))
		for i, g := range a.Groups {
			ids := make([]string, len(g))
			for j, id := range g {
				ids[j] = strconv.Itoa(id)
			}
			parts[i] = "{" + strings.Join(ids, ",") + "}"
		}
		return "partition " + strings.Join(parts, " | ")
	case OneWay, Clog, Unclog, Link, ReplaceNode:
		return fmt.Sprintf("%s %s->%s", a.Kind, nodeName(a.From), nodeName(a.To))
	case Cut, HealLink, Flap:
		return fmt.Sprintf("%s %s<->%s", a.Kind, nodeName(a.From), nodeName(a.To))
	case Isolate, Crash, Restart, Pause, Resume, Skew, Drift, AddNode, RemoveNode:
		return fmt.Sprintf("%s %s", a.Kind, nodeName(a.Node))
	case LeaderLink:
		return fmt.Sprintf("%s %s<->%s", a.Kind, rankName(a.From), rankName(a.To))
	}
	return string(a.Kind)
}

// nodeName writes "n3", or "*" for the wildcard 0.
func nodeName(n int) string {
	if n == 0 {
		return "*"
	}
	return "n" + strconv.Itoa(n)
}

// rankName writes a leader-relative rank: "L" for 1, "L+2" for 3.
func rankName(r int) string {
	if r == 1 {
		return "L"
	}
	return "L+" + strconv.Itoa(r-1)
}

// actionOptions writes the parameters after the target, with a leading space.
func actionOptions(a Action) string {
	var o []string
	switch a.Kind {
	case Skew:
		o = append(o, formatSigned(a.OffsetNs))
	case Drift:
		o = append(o, fmt.Sprintf("%+dppm", a.DriftPPM))
	case Link:
		if a.Loss.Num != 0 || a.Loss.Den != 0 {
			o = append(o, fmt.Sprintf("loss=%d/%d", a.Loss.Num, a.Loss.Den))
		}
		if a.Dup.Num != 0 || a.Dup.Den != 0 {
			o = append(o, fmt.Sprintf("dup=%d/%d", a.Dup.Num, a.Dup.Den))
		}
		if a.LatencyMinNs != 0 || a.LatencyMaxNs != 0 {
			o = append(o, "latency="+formatDur(a.LatencyMinNs)+".."+formatDur(a.LatencyMaxNs))
		}
	case Flap:
		o = append(o, "until="+formatFixed(a.UntilNs, 0),
			"up>="+formatDur(a.MinUpNs), "down>="+formatDur(a.MinDownNs))
	case IsolateLeader, CrashLeader, CrashVoter, CrashNewLeader, ReplayLeader, PauseLeader, ConfigSplit, JointSplit, LeaderRemoval, LeaderLink, LeaseSplit, DiskStall:
		o = append(o, "until="+formatFixed(a.UntilNs, 0))
	case PartitionLeader:
		o = append(o, "until="+formatFixed(a.UntilNs, 0))
		if a.DriftPPM != 0 {
			o = append(o, fmt.Sprintf("drift=%+dppm", a.DriftPPM))
		}
	}
	if a.Torn {
		o = append(o, "torn")
	}
	if len(o) == 0 {
		return ""
	}
	return " " + strings.Join(o, " ")
}

// ParseText reads the text form and validates the result. Errors name the
// line: "line 7: ...". Blank lines and text after '#' are ignored. The
// header lines nodes, quiet and end are required, once each.
func ParseText(text string) (Schedule, error) {
	s, lines, err := parseText(text)
	if err != nil {
		return Schedule{}, err
	}
	if err := s.Validate(); err != nil {
		if ae, ok := err.(*ActionError); ok {
			return Schedule{}, fmt.Errorf("line %d: %w", lines[ae.Index], err)
		}
		return Schedule{}, err
	}
	return s, nil
}

// parseText parses without validating; lines[i] is the line of Actions[i].
func parseText(text string) (Schedule, []int, error) {
	var s Schedule
	var lines []int
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		var err error
		switch f[0] {
		case "nodes", "voters", "quiet", "end":
			err = parseHeader(&s, f, seen)
		default:
			var a Action
			a, err = parseAction(f)
			s.Actions = append(s.Actions, a)
			lines = append(lines, i+1)
		}
		if err != nil {
			return Schedule{}, nil, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	for _, h := range []string{"nodes", "quiet", "end"} {
		if !seen[h] {
			return Schedule{}, nil, fmt.Errorf("missing header line %q", h)
		}
	}
	return s, lines, nil
}

func parseHeader(s *Schedule, f []string, seen map[string]bool) error {
	if len(f) != 2 {
		return fmt.Errorf("want %q and one value", f[0])
	}
	if seen[f[0]] {
		return fmt.Errorf("second %q header", f[0])
	}
	seen[f[0]] = true
	var err error
	switch f[0] {
	case "nodes":
		if s.Nodes, err = strconv.Atoi(f[1]); err != nil {
			return fmt.Errorf("nodes: want an integer, got %q", f[1])
		}
	case "voters":
		if s.Voters, err = strconv.Atoi(f[1]); err != nil {
			return fmt.Errorf("voters: want an integer, got %q", f[1])
		}
	case "quiet":
		s.QuietAtNs, err = parseDur(f[1])
	case "end":
		s.EndNs, err = parseDur(f[1])
	}
	if err != nil {
		return fmt.Errorf("%s: %w", f[0], err)
	}
	return nil
}
