package faults

import (
	"errors"
	"fmt"
)

// ActionError is a validation error naming the offending action.
// Index is the 0-based position in Schedule.Actions.
type ActionError struct {
	Index  int
	Action Action
	Err    error
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("action %d (at %s, %s): %v",
		e.Index, formatFixed(e.Action.AtNs, 9), describe(e.Action), e.Err)
}

func (e *ActionError) Unwrap() error { return e.Err }

// MaxDriftPPM bounds |DriftPPM|: a local clock runs at 0.8x to 1.2x real
// speed, always forward. A run's drift bound (GenOptions.MaxDriftPPM, the
// one its lease margin assumes) is at most this; an explicit schedule may go
// past the run's bound up to this, to show what a lease does beyond it.
const MaxDriftPPM = 200_000

// Validate checks the header, every action on its own and against the state
// the actions before it build, and that the quiet phase is really quiet.
// The first problem is returned; for an action it is an *ActionError.
func (s Schedule) Validate() error {
	if s.Nodes < 1 || s.Nodes > MaxNodes {
		return fmt.Errorf("nodes: %d is not in 1..%d", s.Nodes, MaxNodes)
	}
	if s.QuietAtNs < 0 {
		return fmt.Errorf("quiet: %s is negative", formatFixed(s.QuietAtNs, 9))
	}
	if s.Voters < 0 || s.Voters > s.Nodes {
		return fmt.Errorf("voters: %d is not in 0..%d (nodes)", s.Voters, s.Nodes)
	}
	if s.EndNs < s.QuietAtNs {
		return fmt.Errorf("end: %s is before quiet %s",
			formatFixed(s.EndNs, 9), formatFixed(s.QuietAtNs, 9))
	}
	st := newState(s.Nodes)
	prev := int64(0)
	for i, a := range s.Actions {
		err := s.checkAction(a, prev)
		if err == nil {
			err = st.apply(a)
		}
		if err != nil {
			return &ActionError{Index: i, Action: a, Err: err}
		}
		prev = a.AtNs
	}
	if err := st.quietError(); err != nil {
		return fmt.Errorf("quiet at %s: %w", formatFixed(s.QuietAtNs, 9), err)
	}
	return nil
}

// checkAction checks one action without regard to earlier ones, except that
// its time must not precede prevNs.
func (s Schedule) checkAction(a Action, prevNs int64) error {
	used, ok := kindFields[a.Kind]
	if !ok {
		return fmt.Errorf("unknown kind %q", string(a.Kind))
	}
	switch {
	case a.AtNs < 0:
		return errors.New("time is negative")
	case a.AtNs < prevNs:
		return fmt.Errorf("time is before the previous action's %s (actions must be sorted)",
			formatFixed(prevNs, 9))
	case a.AtNs > s.QuietAtNs:
		return fmt.Errorf("time is after quiet %s", formatFixed(s.QuietAtNs, 9))
	case a.AtNs == s.QuietAtNs && !isHealing(a):
		return fmt.Errorf("only healing actions may happen at quiet %s", formatFixed(s.QuietAtNs, 9))
	}
	if extra := presentFields(a) &^ used; extra != 0 {
		return fmt.Errorf("field %s is not used by %s", extra.firstName(), a.Kind)
	}
	return s.checkParams(a)
}

// checkParams checks node ids and the kind's parameters.
func (s Schedule) checkParams(a Action) error {
	switch a.Kind {
	case Partition:
		return checkGroups(a.Groups, s.Nodes)
	case OneWay, Cut, Clog, Unclog:
		return s.checkLink(a.From, a.To, false)
	case HealLink:
		return s.checkLink(a.From, a.To, true)
	case Link:
		if err := s.checkLink(a.From, a.To, true); err != nil {
			return err
		}
		return checkLinkOptions(a)
	case Flap:
		if err := s.checkLink(a.From, a.To, false); err != nil {
			return err
		}
		if a.MinUpNs <= 0 || a.MinDownNs <= 0 {
			return fmt.Errorf("flap: min up %s and min down %s must be positive",
				formatDur(a.MinUpNs), formatDur(a.MinDownNs))
		}
		return s.checkWindow(a)
	case IsolateLeader, CrashLeader, CrashVoter, CrashNewLeader, ReplayLeader, PauseLeader, ConfigSplit, JointSplit, LeaderRemoval, LeaseSplit, DiskStall:
		return s.checkWindow(a)
	case ReplaceNode:
		return s.checkLink(a.From, a.To, false)
	case LeaderLink:
		if err := s.checkRanks(a.From, a.To); err != nil {
			return err
		}
		return s.checkWindow(a)
	case PartitionLeader:
		if err := checkDrift(a.DriftPPM); err != nil {
			return err
		}
		return s.checkWindow(a)
	case Drift:
		if err := checkDrift(a.DriftPPM); err != nil {
			return err
		}
	}
	if kindFields[a.Kind]&fNode != 0 {
		return s.checkNode(a.Node)
	}
	return nil
}

func (s Schedule) checkNode(n int) error {
	if n < 1 || n > s.Nodes {
		return fmt.Errorf("unknown node %d (nodes are 1..%d)", n, s.Nodes)
	}
	return nil
}

// checkLink checks a link's ends; with wild, 0 means every node.
func (s Schedule) checkLink(from, to int, wild bool) error {
	for _, n := range []int{from, to} {
		if wild && n == 0 {
			continue
		}
		if err := s.checkNode(n); err != nil {
			return err
		}
	}
	if from == to && from != 0 {
		return fmt.Errorf("link from node %d to itself", from)
	}
	return nil
}

// checkRanks checks the leader-relative ranks of a leader-link: distinct,
// in 1..Voters (the ranks cycle over the voters only).
func (s Schedule) checkRanks(from, to int) error {
	voters := s.Voters
	if voters == 0 {
		voters = s.Nodes
	}
	for _, r := range []int{from, to} {
		if r < 1 || r > voters {
			return fmt.Errorf("leader-link: rank %d is not in 1..%d (voters)", r, voters)
		}
	}
	if from == to {
		return fmt.Errorf("leader-link: a link from rank %d to itself", from)
	}
	return nil
}

// checkWindow checks UntilNs of a window action: inside (AtNs, QuietAtNs].
func (s Schedule) checkWindow(a Action) error {
	if a.UntilNs <= a.AtNs {
		return fmt.Errorf("until %s is not after the start", formatFixed(a.UntilNs, 9))
	}
	if a.UntilNs > s.QuietAtNs {
		return fmt.Errorf("until %s is after quiet %s",
			formatFixed(a.UntilNs, 9), formatFixed(s.QuietAtNs, 9))
	}
	return nil
}

func checkDrift(ppm int64) error {
	if ppm < -MaxDriftPPM || ppm > MaxDriftPPM {
		return fmt.Errorf("drift: %dppm is not within +-%dppm", ppm, MaxDriftPPM)
	}
	return nil
}

func checkLinkOptions(a Action) error {
	if err := a.Loss.Validate("loss"); err != nil {
		return err
	}
	if err := a.Dup.Validate("dup"); err != nil {
		return err
	}
	if a.LatencyMinNs < 0 || a.LatencyMinNs > a.LatencyMaxNs {
		return fmt.Errorf("latency: need 0 <= min %s <= max %s",
			formatDur(a.LatencyMinNs), formatDur(a.LatencyMaxNs))
	}
	return nil
}

// checkGroups: at least two non-empty groups that together hold every node
// 1..n exactly once.
func checkGroups(groups [][]int, n int) error {
	if len(groups) < 2 {
		return fmt.Errorf("partition needs at least 2 groups, got %d", len(groups))
	}
	seen := make([]bool, n+1)
	count := 0
	for gi, g := range groups {
		if len(g) == 0 {
			return fmt.Errorf("partition group %d is empty", gi+1)
		}
		for _, id := range g {
			if id < 1 || id > n {
				return fmt.Errorf("unknown node %d (nodes are 1..%d)", id, n)
			}
			if seen[id] {
				return fmt.Errorf("partition: node %d is in two groups", id)
			}
			seen[id] = true
			count++
		}
	}
	if count != n {
		for id := 1; id <= n; id++ {
			if !seen[id] {
				return fmt.Errorf("partition: node %d is in no group", id)
			}
		}
	}
	return nil
}

// isHealing reports whether an action only removes faults (allowed at
// QuietAtNs).
func isHealing(a Action) bool {
	switch a.Kind {
	case Heal, HealLink, Restart, Resume, Unclog:
		return true
	case Skew:
		return a.OffsetNs == 0
	case Drift:
		return a.DriftPPM == 0
	case Link:
		return !hasLinkOptions(a)
	}
	return false
}

func hasLinkOptions(a Action) bool {
	return !a.Loss.IsZero() || !a.Dup.IsZero() || a.LatencyMinNs != 0 || a.LatencyMaxNs != 0
}
