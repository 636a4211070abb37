// Package study runs comparisons as data: protocols x option sets x fault
// shapes x a parameter range x seeds, each point a batch of sim runs, and
// reports client-visible metrics with confidence intervals (results.csv, a
// text summary, report.html with SVG plots). A protocol is a name looked up
// in the replica registry; a fault shape is a generator of an explicit
// schedule, following the leader through leader-link actions where it must.
// Same study, same seeds, same binary: byte-identical results.csv.
package study

import (
	"fmt"
	"sort"

	"github.com/faultline-sim/faultline/sim"
)

// Study is one comparison, all of it data.
type Study struct {
	Name, Title string
	Claim       string   // what the study measures, one paragraph for the report
	Protocols   []string // replica registry names
	Variants    []Variant
	Nodes       []int // cluster sizes
	Shapes      []Shape
	ParamName   string  // what Params are, e.g. "flap period"
	Params      []int64 // virtual ns
	Seeds       int     // per point: seeds 1..Seeds
	Base        sim.Options
	Window      Window
	Timeline    TimelinePick // which point's representative seed to draw
	Baseline    bool         // also run each line once without faults (shape "none", parameter 0)
}

// Window is the fault phase, in virtual ns: metrics count inside
// [StartNs, EndNs); the run goes on to EndNs+TailNs with every fault healed,
// where the simulator judges liveness.
type Window struct{ StartNs, EndNs, TailNs int64 }

// Variant is an option set applied to a protocol, e.g. Pre-Vote off.
// A protocol that lacks a capability the variant turns on skips it.
type Variant struct {
	Name        string
	PreVote     sim.Flag
	CheckQuorum sim.Flag
}

// TimelinePick names the shape and parameter whose representative seed
// (availability nearest the median) the report draws for each line.
type TimelinePick struct {
	Shape   string
	ParamNs int64
}

// Point is one cell of the grid.
type Point struct {
	Protocol string
	Variant  Variant
	Nodes    int
	Shape    Shape
	ParamNs  int64
}

// Line names the plot line of a point: protocol, option set, size.
func (p Point) Line(sizes int) string {
	s := p.Protocol + " " + p.Variant.Name
	if sizes > 1 {
		s += fmt.Sprintf(" n=%d", p.Nodes)
	}
	return s
}

// builtins are the studies simrun study knows, by name; full selects the
// larger size.
var builtins = map[string]func(full bool) Study{}

func register(name string, f func(full bool) Study) { builtins[name] = f }

// Lookup returns the built-in study name at its default or full size.
func Lookup(name string, full bool) (Study, bool) {
	f, ok := builtins[name]
	if !ok {
		return Study{}, false
	}
	return f(full), true
}

// Names lists the built-in studies, sorted.
func Names() []string {
	var out []string
	for n := range builtins {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Validate reports the first thing wrong with s, naming it.
func (s Study) Validate() error {
	switch {
	case len(s.Protocols) == 0 || len(s.Variants) == 0 || len(s.Nodes) == 0 || len(s.Shapes) == 0 || len(s.Params) == 0:
		return fmt.Errorf("study %s: needs protocols, variants, nodes, shapes and params", s.Name)
	case s.Seeds < 1 || s.Seeds > 100_000:
		return fmt.Errorf("study %s: seeds %d is not in 1..100000", s.Name, s.Seeds)
	case s.Window.StartNs <= 0 || s.Window.EndNs <= s.Window.StartNs || s.Window.TailNs <= 0:
		return fmt.Errorf("study %s: window needs 0 < start < end and a positive tail", s.Name)
	}
	for _, p := range s.Params {
		if p <= 0 {
			return fmt.Errorf("study %s: %s %d is not positive", s.Name, s.ParamName, p)
		}
	}
	return nil
}
