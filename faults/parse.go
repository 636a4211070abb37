package faults

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/faultline-sim/faultline/internal/prng"
)

// parseAction reads one action line split into fields.
func parseAction(f []string) (Action, error) {
	if len(f) < 2 {
		return Action{}, fmt.Errorf("want \"<time> <kind> ...\", got %q", strings.Join(f, " "))
	}
	at, err := parseDur(f[0])
	if err != nil {
		return Action{}, fmt.Errorf("time: %w", err)
	}
	a := Action{AtNs: at, Kind: Kind(f[1])}
	if _, ok := kindFields[a.Kind]; !ok {
		return Action{}, fmt.Errorf("unknown kind %q", f[1])
	}
	rest, err := parseTarget(&a, f[2:])
	if err == nil {
		err = parseOptions(&a, rest)
	}
	if err != nil {
		return Action{}, fmt.Errorf("%s: %w", a.Kind, err)
	}
	return a, nil
}

// parseTarget reads the positional arguments of a's kind and returns the
// remaining option tokens.
func parseTarget(a *Action, args []string) ([]string, error) {
	need := 0
	switch a.Kind {
	case Partition:
		g, err := parseGroups(strings.Join(args, ""))
		a.Groups = g
		return nil, err
	case Isolate, Crash, Restart, Pause, Resume, OneWay, Clog, Unclog, Link, Cut, HealLink, Flap,
		AddNode, RemoveNode, ReplaceNode, LeaderLink:
		need = 1
	case Skew, Drift:
		need = 2
	}
	if len(args) < need {
		return nil, fmt.Errorf("want %d argument(s) after the kind, got %d", need, len(args))
	}
	var err error
	switch a.Kind {
	case OneWay, Clog, Unclog, Link, ReplaceNode:
		a.From, a.To, err = parseLinkName(args[0], "->")
	case Cut, HealLink, Flap:
		a.From, a.To, err = parseLinkName(args[0], "<->")
	case Isolate, Crash, Restart, Pause, Resume, Skew, Drift, AddNode, RemoveNode:
		a.Node, err = parseNode(args[0])
	case LeaderLink:
		a.From, a.To, err = parseRankLink(args[0])
	}
	if err == nil && a.Kind == Skew {
		a.OffsetNs, err = parseDur(args[1])
	}
	if err == nil && a.Kind == Drift {
		a.DriftPPM, err = parsePPM(args[1])
	}
	return args[need:], err
}

// parseNode reads "n3", or "*" for 0.
func parseNode(s string) (int, error) {
	if s == "*" {
		return 0, nil
	}
	num, ok := strings.CutPrefix(s, "n")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return 0, fmt.Errorf("want a node like n3 or *, got %q", s)
	}
	return n, nil
}

func parseLinkName(s, arrow string) (int, int, error) {
	l, r, ok := strings.Cut(s, arrow)
	if !ok || (arrow == "->" && strings.HasSuffix(l, "<")) {
		return 0, 0, fmt.Errorf("want a link like n1%sn2, got %q", arrow, s)
	}
	from, err := parseNode(l)
	if err != nil {
		return 0, 0, err
	}
	to, err := parseNode(r)
	return from, to, err
}

// parseRankLink reads "L<->L+2" as ranks 1 and 3.
func parseRankLink(s string) (int, int, error) {
	l, r, ok := strings.Cut(s, "<->")
	from, err1 := parseRank(l)
	to, err2 := parseRank(r)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("want a leader-relative link like L<->L+1, got %q", s)
	}
	return from, to, nil
}

// parseRank reads "L" as 1 and "L+k" as k+1; Validate bounds the rank.
func parseRank(s string) (int, error) {
	if s == "L" {
		return 1, nil
	}
	num, ok := strings.CutPrefix(s, "L+")
	k, err := strconv.Atoi(num)
	if !ok || err != nil || num != strconv.Itoa(k) {
		return 0, fmt.Errorf("want L or L+k, got %q", s)
	}
	return k + 1, nil
}

func parsePPM(s string) (int64, error) {
	num, ok := strings.CutSuffix(s, "ppm")
	v, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("want a drift like +500ppm, got %q", s)
	}
	return v, nil
}

// parseGroups reads "{1,2}|{3,4,5}" (spaces already removed).
func parseGroups(s string) ([][]int, error) {
	var groups [][]int
	for _, part := range strings.Split(s, "|") {
		inner, ok := strings.CutPrefix(part, "{")
		inner, ok2 := strings.CutSuffix(inner, "}")
		if !ok || !ok2 || strings.ContainsAny(inner, "{}") {
			return nil, fmt.Errorf("want groups like {1,2} | {3,4,5}, got %q", part)
		}
		g := []int{}
		for _, id := range strings.Split(inner, ",") {
			if id == "" && inner == "" {
				break
			}
			n, err := strconv.Atoi(id)
			if err != nil {
				return nil, fmt.Errorf("group %q: want node numbers, got %q", part, id)
			}
			g = append(g, n)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// parseOptions reads "torn", "loss=1/10", "dup=1/50", "latency=1ms..20ms",
// "until=9s", "up>=100ms", "down>=50ms" and "drift=-50000ppm", each at most
// once and only where the kind uses the field (a drift action's rate is its
// second argument, not an option).
func parseOptions(a *Action, toks []string) error {
	seen := map[string]bool{}
	for _, t := range toks {
		key, val, _ := strings.Cut(t, "=")
		f, ok := optionFields[key]
		if !ok || kindFields[a.Kind]&f == 0 || (key == "torn") != (val == "" && t == "torn") ||
			(key == "drift" && a.Kind == Drift) {
			return fmt.Errorf("option %q does not apply", t)
		}
		if seen[key] {
			return fmt.Errorf("option %q given twice", key)
		}
		seen[key] = true
		if err := setOption(a, key, val); err != nil {
			return fmt.Errorf("option %q: %w", t, err)
		}
	}
	return nil
}

var optionFields = map[string]field{"torn": fTorn, "loss": fLoss, "dup": fDup,
	"latency": fLatency, "until": fUntil, "up>": fMinUp, "down>": fMinDown, "drift": fDrift}

func setOption(a *Action, key, val string) (err error) {
	switch key {
	case "torn":
		a.Torn = true
	case "loss":
		a.Loss, err = parseRatio(val)
	case "dup":
		a.Dup, err = parseRatio(val)
	case "latency":
		lo, hi, ok := strings.Cut(val, "..")
		if !ok {
			return fmt.Errorf("want min..max, got %q", val)
		}
		if a.LatencyMinNs, err = parseDur(lo); err == nil {
			a.LatencyMaxNs, err = parseDur(hi)
		}
	case "until":
		a.UntilNs, err = parseDur(val)
	case "up>":
		a.MinUpNs, err = parseDur(val)
	case "down>":
		a.MinDownNs, err = parseDur(val)
	case "drift":
		a.DriftPPM, err = parsePPM(val)
	}
	return err
}

func parseRatio(s string) (prng.Ratio, error) {
	n, d, ok := strings.Cut(s, "/")
	num, err1 := strconv.ParseUint(n, 10, 64)
	den, err2 := strconv.ParseUint(d, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return prng.Ratio{}, fmt.Errorf("want a ratio like 1/10, got %q", s)
	}
	return prng.R(num, den), nil
}
