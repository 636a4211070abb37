package study

import "github.com/faultline-sim/faultline/sim"

// base is the cluster every built-in study runs: 10 ms ticks, an election
// timeout of 10 ticks (randomized over 100..200 ms), heartbeats every tick,
// a LAN (1..5 ms one way, 1 ms fsync) and four clients that keep a steady
// load, each operation through the log (read-modes=log).
var base = sim.Options{TickNs: 10 * msNs, ElectionTicks: 10, HeartbeatTicks: 1,
	Clients: 4, Keys: 3, RequestGapNs: 20 * msNs, ClientTimeoutNs: 200 * msNs,
	LatencyMinNs: 1 * msNs, LatencyMaxNs: 5 * msNs, FsyncNs: 1 * msNs, MaxEntries: 64, MaxInflight: 64,
	Intensity: 1, Faults: "none", SnapshotEntries: -1, ReadModes: "log", Spares: -1, Membership: "joint",
	MaxDriftPPM: 100_000}

// window: a leader is elected in the first 1.5 s, faults for 8 s, then 3 s healed.
var window = Window{StartNs: 1500 * msNs, EndNs: 9500 * msNs, TailNs: 3000 * msNs}

// variants are Pre-Vote and CheckQuorum off and on, alone and together.
var variants = []Variant{
	{Name: "plain", PreVote: sim.Off, CheckQuorum: sim.Off},
	{Name: "prevote", PreVote: sim.On, CheckQuorum: sim.Off},
	{Name: "checkquorum", PreVote: sim.Off, CheckQuorum: sim.On},
	{Name: "prevote+cq", PreVote: sim.On, CheckQuorum: sim.On},
}

// protocols are those the built-in studies compare: a name each, looked up
// in the replica registry. A protocol without Pre-Vote or CheckQuorum runs
// only the variants it has (Multi-Paxos: plain).
var protocols = []string{"raft", "etcd", "paxos"}

func ms(xs ...int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = x * msNs
	}
	return out
}

func seeds(full bool) int {
	if full {
		return 100
	}
	return 30
}

func init() {
	register("flapping", func(full bool) Study {
		params := ms(25, 50, 100, 200, 400, 800)
		if full {
			params = ms(10, 25, 50, 100, 150, 200, 300, 400, 800, 1600)
		}
		return Study{Name: "flapping", Title: "Flapping leader links, three replicas",
			Claim: "Seed 001: when the links between the leader and its two followers flap in rotation for short periods, " +
				"Multi-Paxos is not affected and Raft is partly affected (Raft's log has no holes); with both links down both fail.",
			Protocols: protocols, Variants: variants, Nodes: []int{3},
			Shapes: []Shape{rotate, both, random}, ParamName: "flap period", Params: params,
			Seeds: seeds(full), Base: base, Window: window, Timeline: TimelinePick{Shape: "rotate", ParamNs: 200 * msNs}, Baseline: true}
	})
	register("partial", func(full bool) Study {
		vs, params := []Variant{variants[0], variants[3]}, ms(500, 1000, 2000)
		if full {
			vs, params = variants, ms(250, 500, 1000, 2000, 4000)
		}
		return Study{Name: "partial", Title: "Partial connectivity, three and five replicas",
			Claim: "The partial-network shapes published work names as Raft's weak spots: quorum loss, a constrained election, " +
				"a chain, and a swizzle of clogged nodes, each held for the parameter, then healed for a moment, again and again.",
			Protocols: protocols, Variants: vs, Nodes: []int{3, 5},
			Shapes: []Shape{quorumLoss, constrained, chained, swizzle}, ParamName: "hold", Params: params,
			Seeds: seeds(full), Base: base, Window: window, Timeline: TimelinePick{Shape: "quorum-loss", ParamNs: 1000 * msNs}, Baseline: true}
	})
	register("stickiness", func(full bool) Study {
		params := ms(50, 100, 200, 400, 800)
		if full {
			params = ms(25, 50, 100, 150, 200, 300, 400, 800, 1600)
		}
		return Study{Name: "stickiness", Title: "Leader stickiness under term inflation, three replicas",
			Claim: "A follower cut off from the other servers times out and raises its term; when it is back, " +
				"does the leader keep its place? Pre-Vote (and CheckQuorum's leader stickiness) should keep it.",
			Protocols: protocols, Variants: variants, Nodes: []int{3},
			Shapes: []Shape{isolateFollower}, ParamName: "isolation", Params: params,
			Seeds: seeds(full), Base: base, Window: window, Timeline: TimelinePick{Shape: "isolate-follower", ParamNs: 400 * msNs}, Baseline: true}
	})
}
