package toy

import (
	"fmt"
	"strconv"

	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/simnet"
)

type simnetDelivery = simnet.Delivery[Msg]

// fault is one random action on the network or a node's clock.
type fault struct {
	atNs   int64
	kind   string
	a, b   int
	groups [][]int
	val    int64
}

var faultKinds = []string{"partition", "heal", "cut", "isolate", "flap", "clog", "unclog", "loss", "skew", "drift"}

// drawFaults draws cfg.Faults actions at random times in the run.
func drawFaults(r *prng.Rand, cfg Config) []fault {
	out := make([]fault, 0, cfg.Faults)
	for range cfg.Faults {
		f := fault{atNs: r.Range(0, cfg.DurationNs), kind: faultKinds[r.IntN(len(faultKinds))]}
		f.a = int(r.Range(1, int64(cfg.Nodes)))
		f.b = int(r.Range(1, int64(cfg.Nodes)))
		switch f.kind {
		case "partition":
			f.groups = make([][]int, 2)
			for id := 1; id <= cfg.Nodes; id++ {
				g := r.IntN(2)
				f.groups[g] = append(f.groups[g], id)
			}
		case "loss":
			f.val = r.Range(0, 50)
		case "skew":
			f.val = r.Range(-10_000_000, 10_000_000)
		case "drift":
			f.val = r.Range(-100_000, 100_000)
		}
		out = append(out, f)
	}
	return out
}

// applyFault performs f at atNs and traces it.
func (w *world) applyFault(atNs int64, f fault) {
	nw := w.net
	var err error
	switch f.kind {
	case "partition":
		err = nw.Partition(f.groups)
	case "heal":
		nw.HealAll()
		w.schedule(nw.UnclogAll(atNs))
	case "cut":
		err = nw.Cut(f.a, f.b)
	case "isolate":
		err = nw.Isolate(f.a)
	case "flap":
		err = nw.Flap(f.a, f.b, atNs, atNs+50_000_000, 2_000_000, 1_000_000)
	case "clog":
		err = nw.Clog(f.a, f.b)
	case "unclog":
		var ds []simnetDelivery
		ds, err = nw.Unclog(atNs, f.a, f.b)
		w.schedule(ds)
	case "loss":
		o, _ := nw.Link(f.a, f.b)
		o.Loss = prng.R(uint64(f.val), 100)
		err = nw.SetLink(f.a, f.b, o)
	case "skew":
		w.nodes[f.a-1].clk.SetOffset(atNs, f.val)
		w.rearm(w.nodes[f.a-1])
	case "drift":
		w.nodes[f.a-1].clk.SetDriftPPM(atNs, f.val)
		w.rearm(w.nodes[f.a-1])
	}
	if err != nil {
		panic(fmt.Sprintf("toy: seed %d: fault %s: %v", w.cfg.Seed, f.kind, err))
	}
	l := w.tr.Begin(atNs, 0, "fault").Str("kind", f.kind).Int("a", int64(f.a)).Int("b", int64(f.b)).Int("val", f.val)
	if f.groups != nil {
		l = l.Str("groups", groupsString(f.groups))
	}
	l.End()
}

// groupsString renders groups as "1,2|3,4,5".
func groupsString(groups [][]int) string {
	var b []byte
	for i, g := range groups {
		if i > 0 {
			b = append(b, '|')
		}
		for j, id := range g {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(id), 10)
		}
	}
	return string(b)
}
