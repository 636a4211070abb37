package faulttest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/faultline-sim/faultline/replica/raftr"
	"github.com/faultline-sim/faultline/sim"
	"github.com/stretchr/testify/require"
)

type planted struct{ raftr.Protocol }

func (planted) Name() string { return "faulttest-planted" }

// A planted bug is found through the public API, shrunk, written out, and
// its artifact directory replays the same failure.
func TestFailureIsShrunkWrittenAndReplayable(t *testing.T) {
	dir := t.TempDir()
	s := Sweep{Protocol: planted{}, Seeds: "1-3", Options: sim.Options{Defect: "ack-before-commit"},
		ArtifactsDir: dir, ShrinkRuns: 20}
	rep, err := s.Check()
	require.NoError(t, err)
	require.NotZero(t, rep.Failed, "ack-before-commit must fail some seed of 1-3")
	r := rep.Failures[0]
	msg := s.failure(t, r)
	require.Contains(t, msg, "-faulttest.seed=")
	require.Contains(t, msg, "-faulttest.defect=ack-before-commit")
	require.Contains(t, msg, "-faulttest.protocol=faulttest-planted")
	art := filepath.Join(dir, "faulttest-planted", "seed-"+strconv.FormatUint(r.Seed, 10))
	require.Contains(t, msg, art)
	for _, f := range []string{"options.json", "schedule.txt", "trace.txt", "visualization.html"} {
		_, err := os.Stat(filepath.Join(art, f))
		require.NoError(t, err, f)
	}
	seed, o, err := sim.LoadArtifacts(art)
	require.NoError(t, err)
	again, err := sim.Run(seed, o)
	require.NoError(t, err)
	require.Equal(t, r.Check, again.Check, "the shrunk run fails the same check")
}

// A name taken by another protocol type is refused, not shadowed.
func TestNameTakenIsRefused(t *testing.T) {
	_, err := Sweep{Protocol: takenName{}, Seeds: "1"}.Check()
	require.ErrorContains(t, err, `protocol name "raft" is taken`)
}

type takenName struct{ planted }

func (takenName) Name() string { return "raft" }

// Bad seeds are an error, not a panic.
func TestBadSeeds(t *testing.T) {
	_, err := Sweep{Protocol: planted{}, Seeds: "9-1"}.Check()
	require.Error(t, err)
}
