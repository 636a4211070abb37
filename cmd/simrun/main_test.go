package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/faultline-sim/faultline/sim"
)

// simrun runs the command in-process and returns exit code, stdout, stderr.
func simrun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// requireUsage asserts exit 2 and exactly one line on stderr.
func requireUsage(t *testing.T, want string, args ...string) {
	t.Helper()
	code, _, stderr := simrun(t, args...)
	require.Equal(t, exitUsage, code, "%v: stderr %q", args, stderr)
	require.Equal(t, 1, strings.Count(stderr, "\n"), "%v: one line, got %q", args, stderr)
	require.True(t, strings.HasPrefix(stderr, "simrun: "), "%v: %q", args, stderr)
	require.NotContains(t, stderr, "goroutine", "%v: no stack trace", args)
	if want != "" {
		require.Equal(t, "simrun: "+want+"\n", stderr, "%v", args)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt")
	require.NoError(t, os.MkdirAll(corrupt, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(corrupt, "options.json"), []byte("{not json"), 0o644))
	notDir := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(notDir, []byte("x"), 0o644))
	badHist := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(badHist, []byte(okHistory+"{\"client\":1,\"kind\":\"frob\"}\n"), 0o644))

	requireUsage(t, `-seeds "9-1": range end 1 is before start 9`, "run", "-seeds", "9-1")
	requireUsage(t, `-seeds "x": seed "x" is not a non-negative integer`, "run", "-seeds", "x")
	requireUsage(t, `-shard "3/2": shard index 3 is not below the shard count 2 (i counts from 0)`, "run", "-seeds", "1-10", "-shard", "3/2")
	requireUsage(t, `-seed "1-3": one seed; use -seeds for ranges and lists`, "run", "-seed", "1-3")
	requireUsage(t, "give -seed or -seeds, not both", "run", "-seed", "1", "-seeds", "2")
	requireUsage(t, "run: which seeds? give -seed N or -seeds A-B", "run")
	requireUsage(t, `unknown command "frob": want run, replay, shrink, check, defects, protocols or study (simrun -h)`, "frob")
	requireUsage(t, "run: flag provided but not defined: -frob (simrun run -h lists the flags)", "run", "-seed", "1", "-frob")
	requireUsage(t, `run: invalid value "5x" for flag -duration: want a positive duration like 30s or 10ms, got "5x" (simrun run -h lists the flags)`,
		"run", "-seed", "1", "-duration", "5x")
	requireUsage(t, "", "run", "-seed", "1", "-prevote", "maybe")
	requireUsage(t, "bad option: nodes: 12 is outside [1, 9]", "run", "-seed", "1", "-nodes", "12")
	requireUsage(t, "bad option: duration: 500000000 is outside [1000000000, 3600000000000]", "run", "-seed", "1", "-duration", "500ms")
	requireUsage(t, "bad option: heartbeat-ticks: 12 is outside [1, 9]", "run", "-seed", "1", "-election-ticks", "10", "-heartbeat-ticks", "12")
	requireUsage(t, `bad option: defect: unknown defect "frob" for protocol raft (simrun defects lists them)`, "run", "-seed", "1", "-defect", "frob")
	requireUsage(t, "-j 0: want 1..4096 workers", "run", "-seed", "1", "-j", "0")
	requireUsage(t, `run: unexpected argument "7" (seeds go in -seed or -seeds)`, "run", "7")
	requireUsage(t, "", "run", "-seed", "1", "-schedule", filepath.Join(dir, "missing.json"))
	requireUsage(t, "", "replay", filepath.Join(dir, "missing"))
	requireUsage(t, fmt.Sprintf("artifact directory %q: not a directory", notDir), "replay", notDir)
	requireUsage(t, "", "replay", corrupt)
	requireUsage(t, "replay: give an artifact directory or -seed N", "replay")
	requireUsage(t, `-seed "x": want one non-negative integer`, "replay", "-seed", "x")
	requireUsage(t, "", "shrink", filepath.Join(dir, "missing"))
	requireUsage(t, "shrink: want one artifact directory, got 0 arguments", "shrink")
	requireUsage(t, "", "check", badHist)
	requireUsage(t, "check: no history files given", "check")
	requireUsage(t, "", "check", filepath.Join(dir, "missing.jsonl"))
	requireUsage(t, `defects: takes no arguments, got "x"`, "defects", "x")
}

func TestBadInputEnvShard(t *testing.T) {
	defer func(old func(string) string) { getenv = old }(getenv)
	getenv = func(k string) string {
		if k == "JOB_COMPLETION_INDEX" {
			return "2"
		}
		return ""
	}
	requireUsage(t, "JOB_COMPLETION_INDEX=2 is set but the shard count is unknown: pass -shards N or set JOB_COMPLETION_COUNT",
		"run", "-seeds", "1-10")
}

func TestHelp(t *testing.T) {
	code, out, _ := simrun(t, "-h")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "Exit codes:")
	for _, cmd := range []string{"run", "replay", "shrink", "check"} {
		code, out, stderr := simrun(t, cmd, "-h")
		require.Equal(t, exitOK, code, cmd)
		require.Contains(t, out, "Usage: simrun "+cmd, cmd)
		require.Empty(t, stderr, cmd)
	}
	code, _, stderr := simrun(t)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "Usage:")
}

func TestWorstExit(t *testing.T) {
	require.Equal(t, exitOK, worstExit(map[int]bool{exitOK: true}))
	require.Equal(t, exitNondet, worstExit(map[int]bool{exitViolation: true, exitNondet: true, exitLiveness: true}))
	require.Equal(t, exitViolation, worstExit(map[int]bool{exitViolation: true, exitLiveness: true, exitInconclusive: true}))
	require.Equal(t, exitLiveness, worstExit(map[int]bool{exitInconclusive: true, exitLiveness: true, exitInterrupted: true}))
	require.Equal(t, exitInconclusive, worstExit(map[int]bool{exitOK: true, exitInconclusive: true, exitInterrupted: true}))
	require.Equal(t, exitInterrupted, worstExit(map[int]bool{exitOK: true, exitInterrupted: true}))
}

func TestReplayLine(t *testing.T) {
	fixed := sim.Options{Nodes: 5, DurationNs: 30e9, PreVote: sim.Off, Defect: "vote-any-log"}
	require.Equal(t,
		"simrun replay -seed 17 -protocol=raft -nodes=5 -duration=30s -prevote=off -defect=vote-any-log"+
			"   # or: go test ./sim -run 'TestSeeds/seed=17$' -sim.seed=17 -sim.protocol=raft -sim.nodes=5 -sim.duration=30s -sim.prevote=off -sim.defect=vote-any-log",
		replayLine(17, fixed, "", ""))
	require.Equal(t,
		"simrun replay 'out dir/seed-3'   # or: go test ./sim -run 'TestSeeds/seed=3$' -sim.seed=3 -sim.protocol=raft",
		replayLine(3, sim.Options{}, "", "out dir/seed-3"))
	require.Equal(t, "simrun replay -seed 3 -protocol=raft -nodes=3 -schedule=s.txt", replayLine(3, sim.Options{Nodes: 3}, "s.txt", ""))
}

func TestDefects(t *testing.T) {
	code, out, stderr := simrun(t, "defects")
	require.Equal(t, exitOK, code)
	require.Empty(t, stderr)
	defects := sim.Defects(nil)
	if len(defects) == 0 {
		require.Empty(t, out)
		return
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, len(defects))
	for i, d := range defects {
		require.True(t, strings.HasPrefix(lines[i], d.Name+" "), lines[i])
		require.Contains(t, lines[i], d.Summary)
	}
}

// fakeRun is a deterministic stand-in for sim.Run that takes uneven wall
// time, so workers finish out of order.
func fakeRun(seed uint64, o sim.Options) (*sim.Result, error) {
	if err := o.Draw(seed).Validate(); err != nil {
		return nil, err
	}
	time.Sleep(time.Duration(seed*7%5) * time.Millisecond)
	r := &sim.Result{Seed: seed, Verdict: sim.Pass, TraceHash: fmt.Sprintf("%016x", seed*0x9e3779b97f4a7c15),
		VirtualNs: int64(seed) * 1e9, Events: int(seed) * 10, Ops: sim.OpCount{OK: int(seed)}, Options: o.Draw(seed)}
	switch seed % 10 {
	case 3:
		r.Verdict, r.Check, r.Violation = sim.Violation, "election-safety", "two leaders in term 3"
	case 7:
		r.Verdict, r.Check = sim.Liveness, "liveness"
	}
	return r, nil
}

func withFakeRun(t *testing.T, f func(uint64, sim.Options) (*sim.Result, error)) {
	old := simRun
	simRun = f
	t.Cleanup(func() { simRun = old })
}

// jsonLines runs a sweep with -json and returns the per-seed lines without
// wall_ms, and the summary.
func jsonLines(t *testing.T, args ...string) (int, []map[string]any, map[string]any) {
	t.Helper()
	code, out, stderr := simrun(t, append([]string{"run", "-json"}, args...)...)
	require.Empty(t, stderr)
	var lines []map[string]any
	var summary map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		if m["summary"] == true {
			summary = m
			continue
		}
		require.Nil(t, summary, "summary comes last")
		delete(m, "wall_ms")
		lines = append(lines, m)
	}
	return code, lines, summary
}

func TestSweepOrderFake(t *testing.T) {
	withFakeRun(t, fakeRun)
	code1, l1, s1 := jsonLines(t, "-seeds", "1-40", "-j", "1", "-nodes", "5")
	code4, l4, s4 := jsonLines(t, "-seeds", "1-40", "-j", "4", "-nodes", "5")
	require.Equal(t, l1, l4)
	require.Len(t, l1, 40)
	for i, l := range l1 {
		require.Equal(t, float64(i+1), l["seed"])
	}
	require.Equal(t, exitViolation, code1)
	require.Equal(t, code1, code4)
	require.Equal(t, s1["violation"], float64(4))
	require.Equal(t, s1["liveness"], float64(4))
	require.Equal(t, s4["pass"], float64(32))
	require.Equal(t, "simrun replay -seed 3 -protocol=raft -nodes=5   # or: go test ./sim -run 'TestSeeds/seed=3$' -sim.seed=3 -sim.protocol=raft -sim.nodes=5", l1[2]["replay"])
	require.NotNil(t, l1[2]["options"], "failing seeds carry their options")
	require.Nil(t, l1[0]["options"], "passing seeds do not, without -v")
}

func TestSweepTextFake(t *testing.T) {
	withFakeRun(t, fakeRun)
	code, out, stderr := simrun(t, "run", "-seeds", "1-12", "-j", "3", "-nodes", "5")
	require.Equal(t, exitViolation, code)
	require.Empty(t, stderr)
	require.Contains(t, out, "FAIL seed 3: violation: two leaders in term 3\nseed 3: options protocol=raft nodes=5 ")
	require.Contains(t, out, "  replay: simrun replay -seed 3 -protocol=raft -nodes=5   # or: go test ./sim -run 'TestSeeds/seed=3$' -sim.seed=3 -sim.protocol=raft -sim.nodes=5\n")
	require.Contains(t, out, "FAIL seed 7: liveness\n")
	require.NotContains(t, out, "seed 1:", "passing seeds are quiet without -v")
	require.Contains(t, out, "seeds         12\n")
	require.Contains(t, out, "violation     1\nincon")
	code, out, _ = simrun(t, "run", "-seeds", "1-2", "-v")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "seed 1: pass ")
	require.Contains(t, out, "seed 2: options protocol=raft nodes=")
}

func TestSweepDeterminismCheckFake(t *testing.T) {
	calls := map[uint64]int{}
	withFakeRun(t, func(seed uint64, o sim.Options) (*sim.Result, error) {
		calls[seed]++ // -j 1: one goroutine runs the seeds
		r, err := fakeRun(seed, o)
		if seed == 5 && calls[seed] == 2 {
			r.TraceHash = "0000000000000bad"
		}
		return r, err
	})
	code, lines, summary := jsonLines(t, "-seeds", "4-6", "-j", "1", "-check-determinism")
	require.Equal(t, exitNondet, code)
	require.Equal(t, float64(1), summary["nondeterministic"])
	nd := lines[1]["nondeterminism"].(map[string]any)
	require.Equal(t, "0000000000000bad", nd["trace_hash"])
	require.Contains(t, nd["first_divergence"], "did not diverge", "the fake's reruns agree")
	require.NotEmpty(t, lines[1]["replay"])
}

func TestSweepPanicIsViolation(t *testing.T) {
	withFakeRun(t, func(seed uint64, o sim.Options) (*sim.Result, error) {
		if seed == 2 {
			panic("invariant: applied 7 > committed 5\nmore context")
		}
		return fakeRun(seed, o)
	})
	code, lines, _ := jsonLines(t, "-seeds", "1-2")
	require.Equal(t, exitViolation, code)
	require.Equal(t, "panic", lines[1]["check"])
	require.Equal(t, "invariant: applied 7 > committed 5", lines[1]["violation"])
}

func TestSweepInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	withFakeRun(t, func(seed uint64, o sim.Options) (*sim.Result, error) {
		if seed == 5 {
			cancel() // as the first SIGINT does
		}
		r, err := fakeRun(seed, o)
		r.Verdict = sim.Pass
		return r, err
	})
	set, err := parseSeeds("1-1000")
	require.NoError(t, err)
	var out, errb bytes.Buffer
	cfg := sweepConfig{seeds: listOf(set, allSeeds), jobs: 2}
	code, err := runSweep(ctx, make(chan struct{}), cfg, &out, &errb)
	require.NoError(t, err)
	require.Equal(t, exitInterrupted, code)
	require.Contains(t, out.String(), "INTERRUPTED")
	require.Contains(t, out.String(), "of 1000")
}

func TestSweepBadOptionForSomeSeed(t *testing.T) {
	withFakeRun(t, func(seed uint64, o sim.Options) (*sim.Result, error) {
		if seed == 3 {
			return nil, fmt.Errorf("heartbeat-ticks: 12 is outside [1, 9]")
		}
		return fakeRun(seed, o)
	})
	requireUsage(t, "seed 3: heartbeat-ticks: 12 is outside [1, 9]", "run", "-seeds", "1-5", "-j", "2")
}

// TestJobsIdentical needs the real world: -j 2 and -j 1 give the same
// per-seed lines, wall time aside.
func TestJobsIdentical(t *testing.T) {
	skipUnbuilt(t)
	c1, l1, _ := jsonLines(t, "-seeds", "1-12", "-j", "1", "-duration", "5s")
	c2, l2, _ := jsonLines(t, "-seeds", "1-12", "-j", "2", "-duration", "5s")
	require.Equal(t, c1, c2)
	require.Equal(t, l1, l2)
}

func skipUnbuilt(t *testing.T) {
	t.Helper()
	if _, err := sim.Run(1, sim.Options{DurationNs: 1e9}); err != nil && strings.Contains(err.Error(), "not built") {
		t.Skip("sim.Run is not built yet:", err)
	}
}

const okHistory = `{"client":0,"call":10,"kind":"put","key":"x","value":"1","status":"ok","output":{},"return":20}
{"client":1,"call":30,"kind":"get","key":"x","status":"ok","output":{"found":true,"value":"1"},"return":40}
`

const illegalHistory = `{"client":0,"call":10,"kind":"put","key":"x","value":"1","status":"ok","output":{},"return":20}
{"client":1,"call":30,"kind":"get","key":"x","status":"ok","output":{"found":true,"value":"2"},"return":40}
`

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.jsonl")
	bad := filepath.Join(dir, "illegal.jsonl")
	require.NoError(t, os.WriteFile(ok, []byte(okHistory), 0o644))
	require.NoError(t, os.WriteFile(bad, []byte(illegalHistory), 0o644))

	code, out, stderr := simrun(t, "check", ok)
	require.Equal(t, exitOK, code, stderr)
	require.Regexp(t, `^`+regexp.QuoteMeta(ok)+`\s+ok\s+2 ops\s+\S+\n$`, out)

	code, out, _ = simrun(t, "check", ok, bad)
	require.Equal(t, exitViolation, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[1], "illegal")

	code, out, _ = simrun(t, "check", "-json", bad, ok)
	require.Equal(t, exitViolation, code)
	var first checkLine
	require.NoError(t, json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &first))
	require.Equal(t, bad, first.File)
	require.EqualValues(t, "illegal", first.Verdict)
	require.Equal(t, 2, first.Ops)
}

func TestCheckJepsen(t *testing.T) {
	dir := filepath.Join("..", "..", "checker", "testdata", "jepsen-etcd")
	want, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		t.Skip("no jepsen histories:", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		name, verdict, _ := strings.Cut(line, " ")
		if _, err := os.Stat(filepath.Join(dir, name+".jsonl")); err != nil {
			continue // expected.txt may list more than the subset kept here
		}
		code, out, stderr := simrun(t, "check", filepath.Join(dir, name+".jsonl"))
		require.Empty(t, stderr)
		require.Contains(t, out, " "+verdict+" ", name)
		require.Equal(t, map[string]int{"ok": exitOK, "illegal": exitViolation}[verdict], code, name)
	}
}

func TestCheckHTML(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.jsonl")
	bad := filepath.Join(dir, "illegal.jsonl")
	require.NoError(t, os.WriteFile(ok, []byte(okHistory), 0o644))
	require.NoError(t, os.WriteFile(bad, []byte(illegalHistory), 0o644))
	one := filepath.Join(dir, "one.html")
	code, _, stderr := simrun(t, "check", "-html", one, bad)
	require.Equal(t, exitViolation, code, stderr)
	b, err := os.ReadFile(one)
	require.NoError(t, err)
	require.Contains(t, string(b), "<html")
	viz := filepath.Join(dir, "viz")
	code, _, stderr = simrun(t, "check", "-html", viz, ok, bad)
	require.Equal(t, exitViolation, code, stderr)
	require.FileExists(t, filepath.Join(viz, "ok.html"))
	require.FileExists(t, filepath.Join(viz, "illegal.html"))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "x"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x", "ok.jsonl"), []byte(okHistory), 0o644))
	requireUsage(t, fmt.Sprintf("-html %q: %s and %s would both write ok.html", viz, ok, filepath.Join(dir, "x", "ok.jsonl")),
		"check", "-html", viz, ok, filepath.Join(dir, "x", "ok.jsonl"))
}

// A real SIGINT: no new seeds, the summary is printed, exit 130 when every
// finished seed passed.
func TestSweepSIGINT(t *testing.T) {
	withFakeRun(t, func(seed uint64, o sim.Options) (*sim.Result, error) {
		if seed == 3 {
			require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
		}
		r, err := fakeRun(seed, o)
		r.Verdict = sim.Pass
		return r, err
	})
	code, out, stderr := simrun(t, "run", "-seeds", "1-5000", "-j", "2")
	require.Equal(t, exitInterrupted, code)
	require.Contains(t, stderr, "simrun: interrupted: no new seeds")
	require.Contains(t, out, "of 5000 (INTERRUPTED")
	require.Contains(t, out, "exit          130\n")
}
