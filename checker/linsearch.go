package checker

import (
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// namingGrace bounds how long, once one key is proven illegal, the searches of
// smaller keys may still run so that the smallest illegal key is named (wall).
const namingGrace = 100 * time.Millisecond

// keyStopped marks a key whose search was stopped: its result means nothing.
const keyStopped porcupine.CheckResult = "stopped"

// checkKeys runs the fast search (searchKey: no visualization data) on
// every partition, each in its own goroutine as porcupine does (a hard partition must
// not hold up an easy illegal one, whatever GOMAXPROCS is). It returns
// the index of the illegal partition it names (-1 if none) and otherwise Ok, or
// Unknown if some partition timed out.
//
// Which partition: the smallest proven illegal. Once partition i is proven
// illegal the searches after i are stopped; those before i keep running for
// at most namingGrace, then stop. So the name depends only on the history
// unless naming takes longer than that; the verdict never depends on timing
// except through timeout.
func checkKeys(parts [][]porcupine.Operation, timeout time.Duration) (int, porcupine.CheckResult) {
	n := len(parts)
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	stops := make([]atomic.Bool, n)
	results := make([]porcupine.CheckResult, n)
	done := make(chan int, n) // capacity n: every partition reports once
	for i := range parts {
		go func() {
			results[i] = searchKey(parts[i], &stops[i], deadline)
			done <- i
		}()
	}
	best := n
	var grace <-chan time.Time // nil: blocks until a first proof
	for count := 0; count < n; {
		select {
		case i := <-done:
			count++
			if results[i] != porcupine.Illegal || i >= best {
				continue
			}
			best = i
			for j := i + 1; j < n; j++ {
				stops[j].Store(true)
			}
			if grace == nil {
				grace = time.After(namingGrace)
			}
		case <-grace:
			for j := range stops {
				stops[j].Store(true)
			}
		}
	}
	return summarize(results, best)
}

func summarize(results []porcupine.CheckResult, best int) (int, porcupine.CheckResult) {
	if best < len(results) {
		return best, porcupine.Illegal
	}
	for _, r := range results {
		if r != porcupine.Ok {
			return -1, porcupine.Unknown
		}
	}
	return -1, porcupine.Ok
}

// porcupineMaxOps is the longest key porcupine decides. Its memo copies a
// bitset over all n operations of the key at each step, O(n²) bits (a
// 21,000-operation key took 237 MB); a longer key is decided by
// searchRegister, the same search with a memo of O(clients) per entry,
// property-tested against porcupine (regsearch_test.go).
const porcupineMaxOps = 4096

// searchKey checks one partition until deadline (zero: none): porcupine's
// CheckOperations up to porcupineMaxOps operations, searchRegister above.
// Setting stop makes the search unwind within a few hundred steps; its
// result is then keyStopped.
func searchKey(part []porcupine.Operation, stop *atomic.Bool, deadline time.Time) porcupine.CheckResult {
	var timeout time.Duration
	if !deadline.IsZero() {
		if timeout = time.Until(deadline); timeout <= 0 {
			return porcupine.Unknown
		}
	}
	if stop.Load() {
		return keyStopped
	}
	var res porcupine.CheckResult
	if len(part) > porcupineMaxOps {
		res = searchRegister(part, stop, deadline)
	} else {
		model := kvModel
		model.Partition = nil // one key: porcupine's default keeps it whole
		model.Step = func(state, input, output any) (bool, any) {
			if stop.Load() {
				return false, state // every step fails: the search unwinds
			}
			return modelStep(state, input, output)
		}
		res = porcupine.CheckOperationsTimeout(model, part, timeout)
	}
	if stop.Load() {
		return keyStopped
	}
	return res
}
