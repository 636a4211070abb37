package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/faultline-sim/faultline/checker"
)

// Artifact file names. options.json alone replays the run: it holds the seed
// and every option, the fault schedule included.
const (
	fileOptions  = "options.json"
	fileSchedule = "schedule.txt"
	fileHistory  = "history.jsonl"
	fileTrace    = "trace.txt"
	fileSummary  = "summary.txt"
	fileViz      = "visualization.html"
)

// replayFile is the content of options.json.
type replayFile struct {
	Seed    uint64  `json:"seed"`
	Verdict Verdict `json:"verdict"`
	Check   string  `json:"check,omitempty"`
	Options Options `json:"options"`
}

// Replayable returns r's options with the schedule pinned, so that a run of
// them reproduces r without drawing anything.
func (r *Result) Replayable() Options {
	o := r.Options
	s := r.Schedule
	o.Schedule = &s
	o.KeepTrace = false
	return o
}

// WriteArtifacts writes a run's directory: options.json (replays by itself),
// schedule.txt, history.jsonl, trace.txt, summary.txt and, for a
// linearizability failure or any run with a history, visualization.html.
// The trace comes from a replay with lines kept when r has none.
func WriteArtifacts(dir string, r *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	o := r.Replayable()
	full := r
	if len(r.Trace) == 0 {
		o.KeepTrace = true
		var err error
		if full, err = Run(r.Seed, o); err != nil {
			return fmt.Errorf("replay for the trace: %w", err)
		}
		o.KeepTrace = false
	}
	rf, err := json.MarshalIndent(replayFile{Seed: r.Seed, Verdict: r.Verdict, Check: r.Check, Options: o}, "", "  ")
	if err != nil {
		return err
	}
	var hist, trace, viz bytes.Buffer
	if err := checker.WriteHistory(&hist, full.History); err != nil {
		return err
	}
	for _, l := range full.Trace {
		trace.WriteString(l)
		trace.WriteByte('\n')
	}
	lr := checker.CheckLinearizable(checker.Tighten(full.History, nil), linTimeout)
	if err := checker.WriteVisualization(&viz, lr, full.Annot); err != nil {
		return err
	}
	files := map[string][]byte{
		fileOptions: append(rf, '\n'), fileSchedule: []byte(r.Schedule.String()), fileHistory: hist.Bytes(),
		fileTrace: trace.Bytes(), fileSummary: []byte(r.Summary() + dirReplay(dir)), fileViz: viz.Bytes(),
	}
	for _, name := range []string{fileOptions, fileSchedule, fileHistory, fileTrace, fileSummary, fileViz} {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// dirReplay is how to replay an artifact directory itself.
func dirReplay(dir string) string {
	return fmt.Sprintf("replay this directory: go run ./cmd/simrun replay %s\n"+
		"                  or: go test ./sim -run TestReplay -sim.replay=%s\n", dir, dir)
}

// LoadArtifacts reads the seed and options (schedule included) that replay
// a directory written by WriteArtifacts.
func LoadArtifacts(dir string) (uint64, Options, error) {
	data, err := os.ReadFile(filepath.Join(dir, fileOptions))
	if errors.Is(err, os.ErrNotExist) {
		return 0, Options{}, fmt.Errorf("%s: not an artifact directory (no %s)", dir, fileOptions)
	}
	if err != nil {
		return 0, Options{}, err
	}
	var rf replayFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rf); err != nil {
		return 0, Options{}, fmt.Errorf("%s: corrupt %s: %v", dir, fileOptions, err)
	}
	if rf.Options.Schedule == nil {
		return 0, Options{}, fmt.Errorf("%s: %s has no schedule", dir, fileOptions)
	}
	// Artifacts written before compaction and read modes existed ran
	// without either: they replay as they ran.
	if rf.Options.SnapshotEntries == 0 {
		rf.Options.SnapshotEntries = -1
	}
	if rf.Options.ReadModes == "" {
		rf.Options.ReadModes = "log"
	}
	if err := rf.Options.Validate(); err != nil {
		return 0, Options{}, fmt.Errorf("%s: %s: %v", dir, fileOptions, err)
	}
	return rf.Seed, rf.Options, nil
}

// Summary is the human-readable account of a run, with its replay commands.
func (r *Result) Summary() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "seed %d: %s", r.Seed, r.Verdict)
	if r.Check != "" {
		fmt.Fprintf(&b, " (%s)", r.Check)
	}
	fmt.Fprintf(&b, "\ntrace hash %s, %d events, %s virtual\n", r.TraceHash, r.Events, fmtNs(r.VirtualNs))
	if r.Violation != "" {
		fmt.Fprintf(&b, "violation: %s\n", r.Violation)
	}
	fmt.Fprintf(&b, "options: %s\n", r.Options)
	fmt.Fprintf(&b, "ops: %d ok, %d fail, %d unknown; messages: %d sent, %d delivered, %d dropped\n",
		r.Ops.OK, r.Ops.Fail, r.Ops.Unknown, r.Messages.Sent, r.Messages.Delivered, r.Messages.Dropped)
	fmt.Fprintf(&b, "availability: %d elections, max term %d, leaderless %s, latency p50 %s p99 %s\n",
		r.Avail.Elections, r.Avail.MaxTerm, fmtNs(r.Avail.LeaderlessNs), fmtNs(r.Avail.LatencyP50Ns), fmtNs(r.Avail.LatencyP99Ns))
	fmt.Fprintf(&b, "schedule: %d actions\n", len(r.Schedule.Actions))
	fmt.Fprintf(&b, "replay: %s\n", r.ReplayCommand())
	fmt.Fprintf(&b, "go test: %s\n", r.GoTestCommand())
	return b.String()
}

// ReplayCommand is the one line that replays r with simrun.
func (r *Result) ReplayCommand() string {
	return strings.Join(append([]string{"go run ./cmd/simrun replay", "-seed=" + strconv.FormatUint(r.Seed, 10)},
		r.Given.Flags("")...), " ")
}

// GoTestCommand is the one line that replays r with go test.
func (r *Result) GoTestCommand() string {
	s := strconv.FormatUint(r.Seed, 10)
	return strings.Join(append([]string{"go test ./sim -run 'TestSeeds/seed=" + s + "$'", "-sim.seed=" + s},
		r.Given.Flags("sim.")...), " ")
}
