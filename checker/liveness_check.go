package checker

import (
	"fmt"
	"maps"
	"slices"
)

// Check returns the first bound that expired before nowNs: "no leader" or the
// client whose op stalled (earliest deadline first; ties: no leader, then the
// lowest client). Deadlines at or after nowNs are not judged yet, so call it
// at the end of a run that lasted past the bounds. Once found, the same
// violation is returned on every later call.
func (l *Liveness) Check(nowNs int64) *Violation {
	if l.first != nil || !l.quiet {
		return l.first
	}
	var v *Violation
	if deadline := l.quietNs + l.bounds.LeaderNs; l.leaderAtNs < 0 && deadline < nowNs {
		v = &Violation{Check: CheckLiveness, AtNs: deadline, Nodes: slices.Sorted(maps.Keys(l.roles)),
			Msg: fmt.Sprintf("no leader: no node led the highest term %d within %s of quiet start at %s",
				l.maxTerm, FormatNs(l.bounds.LeaderNs), FormatNs(l.quietNs))}
	}
	// The earliest expired op deadline, the lowest client on ties; found
	// without sorting, since Check runs at every completed operation.
	best, bestAt, found := 0, int64(0), false
	for client, p := range l.pending {
		deadline := max(p.callNs, l.quietNs) + l.bounds.OpNs
		if deadline >= nowNs || (v != nil && v.AtNs <= deadline) {
			continue
		}
		if !found || deadline < bestAt || (deadline == bestAt && client < best) {
			best, bestAt, found = client, deadline, true
		}
	}
	if found {
		p := l.pending[best]
		v = &Violation{Check: CheckLiveness, AtNs: bestAt,
			Msg: fmt.Sprintf("client %d op %s called at %s still pending %s after quiet start at %s (bound %s)",
				best, p.desc, FormatNs(p.callNs), FormatNs(bestAt-l.quietNs), FormatNs(l.quietNs), FormatNs(l.bounds.OpNs))}
	}
	l.first = v
	return v
}
