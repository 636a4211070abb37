// Package faulttest runs Faultline's seed sweep against a consensus replica
// of your own, from your own module's tests.
//
// Put your replica behind the contract of package replica (a Protocol that
// boots Replicas on a Store), then in a test:
//
//	func TestMyRaft(t *testing.T) {
//		faulttest.Sweep{Protocol: myraft.Protocol{}, Seeds: "1-200"}.Run(t)
//	}
//
// Every seed is a subtest ("seed=17"): a simulated cluster under drawn
// faults (partitions, crashes that lose unsynced writes, pauses, clock
// drift, loss, duplication, reordering) with clients whose history must be
// linearizable, and online invariants. A failing seed is shrunk, its
// artifacts (schedule, history, trace, visualization) are written, and the
// one-line go test command that replays it is printed. The flags
// -faulttest.seeds, -faulttest.seed, -faulttest.replay and every option
// flag of simrun as -faulttest.<name> (e.g. -faulttest.nodes=3) narrow or
// replay a sweep without editing the test.
package faulttest

import (
	"flag"
	"fmt"
	"reflect"

	"github.com/faultline-sim/faultline/internal/seedspec"
	"github.com/faultline-sim/faultline/replica"
	"github.com/faultline-sim/faultline/sim"
)

// Sweep is one seed sweep of a protocol.
type Sweep struct {
	// Protocol is the replica under test. It is registered under its Name
	// if no protocol of that name is.
	Protocol replica.Protocol
	// Seeds are the seeds to run: "N", "A-B" or a comma list; "" is 1-100.
	Seeds string
	// Options fixes options; the zero ones are drawn from each seed, within
	// what the protocol's Caps declare.
	Options sim.Options
	// ArtifactsDir receives one directory per failing seed; "" is
	// testdata/faulttest in the package under test.
	ArtifactsDir string
	// ShrinkRuns bounds the runs spent shrinking a failure; 0 is 100, < 0 none.
	ShrinkRuns int
	// Serial runs the seeds one after another (by default they run as
	// parallel subtests; each run is deterministic on its own).
	Serial bool
}

// Command-line overrides, for replaying a failure without editing the test.
var (
	flagSeeds  = flag.String("faulttest.seeds", "", "seeds to sweep (overrides Sweep.Seeds)")
	flagSeed   = flag.Uint64("faulttest.seed", 0, "run this one seed")
	flagReplay = flag.String("faulttest.replay", "", "replay this artifact directory instead of sweeping")
	given      sim.Options
)

func init() { sim.RegisterFlags(flag.CommandLine, "faulttest.", &given) }

const defaultSeeds = "1-100"

// seeds is the set to run: the flags first, then the Sweep's.
func (s Sweep) seeds() ([]uint64, error) {
	if *flagSeed != 0 {
		return []uint64{*flagSeed}, nil
	}
	spec := s.Seeds
	if *flagSeeds != "" {
		spec = *flagSeeds
	}
	if spec == "" {
		spec = defaultSeeds
	}
	set, err := seedspec.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("faulttest: seeds %q: %w", spec, err)
	}
	return set.Seeds(), nil
}

// options are the Sweep's options with the option flags given on the
// command line on top, and the protocol's name.
func (s Sweep) options() (sim.Options, error) {
	o := s.Options
	fs := flag.NewFlagSet("faulttest", flag.ContinueOnError)
	sim.RegisterFlags(fs, "", &o)
	if err := fs.Parse(given.Flags("")); err != nil {
		return o, fmt.Errorf("faulttest: %w", err)
	}
	name := s.Protocol.Name()
	if o.Protocol != "" && o.Protocol != "raft" && o.Protocol != name {
		return o, fmt.Errorf("faulttest: -faulttest.protocol=%s, but the sweep's protocol is %s", o.Protocol, name)
	}
	o.Protocol = name
	return o, nil
}

// register makes p known to the world under its name.
func register(p replica.Protocol) error {
	if p == nil {
		return fmt.Errorf("faulttest: Sweep.Protocol is nil")
	}
	q := replica.Lookup(p.Name())
	if q == nil {
		replica.Register(p)
		return nil
	}
	if reflect.TypeOf(q) != reflect.TypeOf(p) {
		return fmt.Errorf("faulttest: protocol name %q is taken by %T; give %T another Name", p.Name(), q, p)
	}
	return nil
}
