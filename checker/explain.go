package checker

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
)

// DefaultExplainBudget is the wall-clock budget of the verbose search that
// WriteVisualization runs when Explain was not called.
const DefaultExplainBudget = 10 * time.Second

// Explain runs porcupine's verbose search, which records the longest legal
// order of every operation for the visualization, with its own wall-clock
// budget (0 = none). For an Illegal result it searches only the illegal key
// and rewrites Msg to name the operation that could not be placed; otherwise
// it searches every key. Past the budget the search stops and the data drawn
// is partial (the verdict never changes). It reports whether it finished.
func (r *LinResult) Explain(budget time.Duration) bool {
	hist := r.hist
	if r.Verdict == Illegal {
		hist = opsOfKey(r.hist, r.Key)
	}
	res, info := porcupine.CheckOperationsVerbose(kvModel, hist, budget)
	r.info = &info
	finished := res != porcupine.Unknown
	if r.Verdict == Illegal && res == porcupine.Illegal {
		r.Key, r.Msg = explainIllegal(hist, info)
	} else if r.Verdict == Illegal {
		r.Msg += fmt.Sprintf(" (the verbose search for the longest legal order stopped after %v)", budget)
	}
	return finished
}

func opsOfKey(hist []porcupine.Operation, key string) []porcupine.Operation {
	var out []porcupine.Operation
	for _, op := range hist {
		if op.Input.(modelInput).key == key {
			out = append(out, op)
		}
	}
	return out
}

// explainIllegal names the first illegal key and the operation that could not
// be placed: of the operations missing from the longest legal prefix (ties:
// the smallest in id order, so the message is a function of the history), the
// one that returned first.
func explainIllegal(hist []porcupine.Operation, info porcupine.LinearizationInfo) (string, string) {
	keys, parts := partitionByKey(hist)
	partials := info.PartialLinearizations()
	for p, part := range parts {
		longest := []int{}
		for _, l := range partials[p] {
			if len(l) > len(longest) || len(l) == len(longest) && slices.Compare(l, longest) < 0 {
				longest = l
			}
		}
		if len(longest) == len(part) {
			continue
		}
		stuck := -1
		for id := range part {
			if slices.Contains(longest, id) {
				continue
			}
			if stuck < 0 || part[id].Return < part[stuck].Return {
				stuck = id
			}
		}
		op := part[stuck]
		return keys[p], fmt.Sprintf("key %q is not linearizable: longest legal order covers %d of %d operations; "+
			"cannot place client %d %s called at %d returned at %s (history op %d)",
			keys[p], len(longest), len(part), op.ClientId, describeOp(op.Input, op.Output),
			op.Call, formatReturn(op.Return), op.Metadata.(int))
	}
	return "", "not linearizable"
}

func formatReturn(ret int64) string {
	if ret == math.MaxInt64 {
		return "never"
	}
	return fmt.Sprint(ret)
}
