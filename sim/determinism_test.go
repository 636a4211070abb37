package sim

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fingerprint is what must not change between two runs of one seed.
type fingerprint struct {
	Hash    string
	Verdict Verdict
	Check   string
	Events  int
	Ops     OpCount
	Avail   Avail
}

func fingerprintOf(t *testing.T, seed uint64, o Options) fingerprint {
	r, err := Run(seed, o)
	require.NoError(t, err)
	return fingerprint{r.TraceHash, r.Verdict, r.Check, r.Events, r.Ops, r.Avail}
}

// TestDeterminism runs seeds on parallel goroutines at the default
// GOMAXPROCS, then again one by one at GOMAXPROCS=1: every Result and trace
// hash must be the same.
func TestDeterminism(t *testing.T) {
	const seeds = 40
	o := Options{DurationNs: 8 * sNs}
	parallel := make([]fingerprint, seeds)
	var wg sync.WaitGroup
	for i := range seeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parallel[i] = fingerprintOf(t, uint64(i+1), o)
		}()
	}
	wg.Wait()
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	distinct := map[string]bool{}
	for i := range seeds {
		require.Equal(t, parallel[i], fingerprintOf(t, uint64(i+1), o), "seed %d", i+1)
		distinct[parallel[i].Hash] = true
	}
	require.Len(t, distinct, seeds, "different seeds must give different traces")
}

// TestTraceReplay checks the kept trace: keeping it does not change the
// reported trace_hash (lines are hashed from their fields, rendered only when
// kept), and a replay from the pinned options reproduces it line for line.
func TestTraceReplay(t *testing.T) {
	r, err := Run(7, Options{DurationNs: 6 * sNs, KeepTrace: true})
	require.NoError(t, err)
	require.NotEmpty(t, r.Trace)
	unkept, err := Run(7, Options{DurationNs: 6 * sNs})
	require.NoError(t, err)
	require.Empty(t, unkept.Trace)
	require.Equal(t, r.TraceHash, unkept.TraceHash)
	o := r.Replayable()
	o.KeepTrace = true
	again, err := Run(7, o)
	require.NoError(t, err)
	require.Equal(t, r.TraceHash, again.TraceHash)
	require.Equal(t, r.Trace, again.Trace)
}
