package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// replayArtifacts writes r's artifact directory, replays it and requires the
// same trace hash and check; it returns the directory.
func replayArtifacts(t *testing.T, r *Result) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("seed-%d", r.Seed))
	require.NoError(t, WriteArtifacts(dir, r))
	seed, o, err := LoadArtifacts(dir)
	require.NoError(t, err)
	again, err := Run(seed, o)
	require.NoError(t, err)
	require.Equal(t, r.TraceHash, again.TraceHash)
	require.Equal(t, r.Check, again.Check)
	return dir
}

// TestArtifactsReplay: a failing run's directory replays by itself to the
// same trace hash and verdict, and its visualization carries the leader
// terms and fault windows.
func TestArtifactsReplay(t *testing.T) {
	r, err := Run(1, Options{Defect: "ack-before-commit"})
	require.NoError(t, err)
	require.Equal(t, Violation, r.Verdict, "seed 1 must catch ack-before-commit")
	dir := replayArtifacts(t, r)
	viz, err := os.ReadFile(filepath.Join(dir, fileViz))
	require.NoError(t, err)
	require.Contains(t, string(viz), "leader t")
	require.Contains(t, string(viz), "crash")
	sum, err := os.ReadFile(filepath.Join(dir, fileSummary))
	require.NoError(t, err)
	require.Contains(t, string(sum), "simrun replay "+dir)
	trace, err := os.ReadFile(filepath.Join(dir, fileTrace))
	require.NoError(t, err)
	seed, o, err := LoadArtifacts(dir)
	require.NoError(t, err)
	o.KeepTrace = true
	kept, err := Run(seed, o)
	require.NoError(t, err)
	require.Equal(t, strings.Join(kept.Trace, "\n")+"\n", string(trace))
}

func TestLoadArtifactsErrors(t *testing.T) {
	_, _, err := LoadArtifacts(t.TempDir())
	require.ErrorContains(t, err, "not an artifact directory (no options.json)")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, fileOptions), []byte("{\"seed\": 1, \"bogus\": 2}"), 0o644))
	_, _, err = LoadArtifacts(dir)
	require.ErrorContains(t, err, "corrupt options.json")
}
