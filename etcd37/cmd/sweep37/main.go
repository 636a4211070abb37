// Command sweep37 runs seeds on etcd-io/raft v3.7.0 (protocol etcd37), one
// JSON line per seed in the shape of simrun run -json, so its verdicts sit
// beside those of simrun run -protocol etcd (v3.6.0) for the same seeds and
// options. Every simrun run option flag is accepted.
//
//	cd etcd37 && go run ./cmd/sweep37 -seeds 1-200 > v37.jsonl
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	etcdraft37 "github.com/faultline-sim/faultline/etcd37"
	"github.com/faultline-sim/faultline/internal/seedspec"
	"github.com/faultline-sim/faultline/sim"
)

var _ = etcdraft37.Protocol{} // registers "etcd37"

// line is one seed's result, with simrun's field names.
type line struct {
	Seed      uint64      `json:"seed"`
	Verdict   sim.Verdict `json:"verdict"`
	Check     string      `json:"check"`
	Violation string      `json:"violation"`
	TraceHash string      `json:"trace_hash"`
	Ops       sim.OpCount `json:"ops"`
	Avail     sim.Avail   `json:"availability"`
}

func main() {
	var o sim.Options
	fs := flag.NewFlagSet("sweep37", flag.ContinueOnError)
	spec := fs.String("seeds", "1-100", "seeds: N, A-B or a comma list")
	sim.RegisterFlags(fs, "", &o)
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	set, err := seedspec.Parse(*spec)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sweep37: seeds %q: %v\n", *spec, err)
		os.Exit(2)
	}
	o.Protocol = "etcd37"
	enc := json.NewEncoder(os.Stdout)
	code := 0
	for _, seed := range set.Seeds() {
		r, err := sim.Run(seed, o)
		if err != nil {
			fmt.Fprintf(os.Stderr, "sweep37: seed %d: %v\n", seed, err)
			os.Exit(2)
		}
		if r.Verdict != sim.Pass {
			code = 1
		}
		_ = enc.Encode(line{Seed: seed, Verdict: r.Verdict, Check: r.Check, Violation: r.Violation,
			TraceHash: r.TraceHash, Ops: r.Ops, Avail: r.Avail})
	}
	os.Exit(code)
}
