// Command simrun runs, replays and shrinks Faultline simulations and checks
// recorded histories. `simrun -h` prints the usage; the exit codes are the
// contract CI relies on (see usage).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit codes. When several kinds occur in one sweep the first in
// exitPrecedence wins.
const (
	exitOK           = 0
	exitViolation    = 1 // safety invariant or linearizability violated
	exitUsage        = 2 // bad usage or input
	exitInconclusive = 3 // a checker timed out: never a pass
	exitLiveness     = 4 // the cluster did not recover after faults healed
	exitNondet       = 5 // same seed, different trace hash or verdict
	exitInterrupted  = 130
)

var exitPrecedence = []int{exitNondet, exitViolation, exitLiveness, exitInconclusive, exitInterrupted}

// worstExit picks the exit code of highest precedence among those that occurred.
func worstExit(occurred map[int]bool) int {
	for _, c := range exitPrecedence {
		if occurred[c] {
			return c
		}
	}
	return exitOK
}

const usage = `simrun runs deterministic simulations of a consensus protocol (-protocol, our Raft by
default): one seed, one run, one verdict.

Usage:
  simrun run     -seed N | -seeds SPEC [-j K] [-shard i/n] [options] [-out DIR] [-json] [-v] [-check-determinism | -determinism-sample N]
  simrun replay  DIR | -seed N [options]  [-trace FILE]
  simrun shrink  DIR [-budget N] [-out DIR2]
  simrun check   [-json] [-html FILE] [-timeout D] FILE.jsonl...
  simrun defects   [-protocol NAME]
  simrun protocols
  simrun study     NAME -out DIR [-seeds N] [-j K] [-full] [-protocols a,b]

Seeds: SPEC is N, A-B (inclusive) or a comma list such as 1,5,9-12, in any
order; duplicates merge, results come in ascending seed order, at most
100000000 seeds. -shard i/n (0 <= i < n) keeps every n-th seed of the sorted
list, those at positions p with p%n == i, so shards 0..n-1 split a sweep
exactly. Without -shard, a set JOB_COMPLETION_INDEX (Kubernetes Indexed Job)
is the index and the count comes from -shards N or else JOB_COMPLETION_COUNT.

Options: one flag per simulation option (simrun run -h lists them); a flag
not given, or 0, is drawn from the seed. Durations are Go durations (30s,
10ms). Every failing seed prints its drawn options and one line that replays
it: the simrun command and, after "# or:", the go test command.

Exit codes:
  0  all seeds passed (all histories linearizable)
  1  a safety or linearizability violation
  2  bad usage or input
  3  inconclusive: a checker timed out, nothing worse
  4  liveness failure
  5  nondeterminism (a seed run twice, 1 in 100 by default, all with -check-determinism:
     same seed, different trace or verdict; the first divergent trace line is printed)
  130 interrupted (SIGINT/SIGTERM) and every finished seed passed
When several occur the code is the first of 5, 1, 4, 3, 130. On an interrupt
no new seed starts, running seeds finish (a second signal abandons them) and
the summary of the finished seeds is printed, marked interrupted. replay and
shrink exit with the code of the run's verdict (shrink: of the shrunk case);
check exits 1 if any history is illegal, else 3 if any is inconclusive.
`

func main() {
	tuneGC(os.Getenv)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program, callable from tests.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) (int, error){
		"run":       cmdRun,
		"replay":    cmdReplay,
		"shrink":    cmdShrink,
		"check":     cmdCheck,
		"defects":   cmdDefects,
		"protocols": cmdProtocols,
		"study":     cmdStudy,
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "simrun: unknown command %q: want run, replay, shrink, check, defects, protocols or study (simrun -h)\n", name)
		return exitUsage
	}
	code, err := cmd(args[1:], stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "simrun: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) || code == exitOK {
			return exitUsage
		}
	}
	return code
}
