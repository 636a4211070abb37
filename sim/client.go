package sim

import (
	"strconv"

	"github.com/faultline-sim/faultline/checker"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/faultline-sim/faultline/kv"
)

// client issues one operation at a time to the host it believes leads,
// follows leader hints, and retries with the same (client, seq) after a
// timeout, so the kv sessions apply each operation at most once. Its
// history entry is written when the outcome is known; an operation still
// outstanding when the run ends is recorded as unknown.
type client struct {
	w       *world
	id      int // 0-based; network id is w.clientNet(id)
	rng     *prng.Rand
	seq     uint64
	req     *request // outstanding operation and its read mode, nil if idle; sent as is (never written after)
	hist    int      // its index in w.history
	target  int      // host believed to lead, 1..N
	attempt uint64   // wake generation: a wake with another value is stale
	backoff bool     // the pending wake is a redirect, not a timeout
	issued  int
	seen    []string // per key: the last value this client saw
	readPct uint64   // share of gets in this client's operations, in percent
	spread  bool     // starts each operation at the next host (a round-robin balancer), not the leader it knows
	modes   []string // read modes this client mixes (Options.ReadModes)
	modeW   []uint64 // their weights
	modeRng *prng.Rand
}

// readPcts are the read shares a client draws from: most clients mix reads
// and writes, some only read (a dashboard), which is what exposes a server
// that answers reads it should not: a client that also writes soon waits on
// a write at a deposed leader, while a reader goes on reading from it.
var readPcts = []uint64{30, 30, 60, 100, 100}

// redirectBackoffNs is the pause before retrying when no leader is known.
const redirectBackoffNs = 5 * msNs

func newClient(w *world, id int) *client {
	c := &client{w: w, id: id, rng: w.rng.Forkf("client-%d", id), seen: make([]string, w.o.Keys)}
	c.target = 1 + c.rng.IntN(w.o.Nodes)
	c.readPct = readPcts[c.rng.IntN(len(readPcts))]
	// One client in three spreads its operations over the hosts, as a
	// client-side round-robin balancer does; followers redirect it to the
	// leader they know, so right after an election it reaches the new
	// leader without waiting for a timeout, while others still talk to the
	// deposed one.
	c.spread = c.rng.IntN(3) == 0
	c.drawModes()
	c.wakeAt(w.now() + c.rng.Range(0, w.o.RequestGapNs))
	return c
}

func (c *client) wakeAt(atNs int64) {
	c.attempt++
	c.w.push(atNs, event{kind: evClient, node: c.id, gen: c.attempt})
}

// wake starts the next operation, or retries the outstanding one.
func (c *client) wake(gen uint64) {
	if gen != c.attempt {
		return
	}
	if c.req == nil {
		c.issue()
		return
	}
	if !c.backoff {
		c.target = c.w.nextHost(c.target) // timed out: try the next host
	}
	c.backoff = false
	c.sendOp()
}

func (c *client) issue() {
	w := c.w
	if w.o.MaxOps > 0 && w.stats.opsIssued >= w.o.MaxOps {
		return
	}
	w.stats.opsIssued++
	if c.spread {
		c.target = c.target%w.o.Nodes + 1
	}
	c.seq++
	c.issued++
	op := c.nextOp()
	mode := "" // a get's read mode (history Mode: "" through the log)
	if op.Kind == kv.Get {
		mode = c.pickMode()
	}
	c.req = &request{op: op, mode: mode}
	c.hist = len(w.history)
	w.live.Invoke(w.now(), c.id, op.Kind.String()+" "+op.Key+" seq "+strconv.FormatUint(op.Seq, 10))
	w.history = append(w.history, checker.Operation{
		Client: c.id, Seq: op.Seq, Kind: op.Kind.String(), Key: op.Key, Value: op.Value, Expect: op.Expect,
		Call: w.now(), Return: checker.NoReturn, Status: checker.StatusUnknown, Mode: mode,
	})
	c.sendOp()
}

// nextOp draws an operation: unique written values, cas expecting what the
// client last saw so that some swaps succeed.
func (c *client) nextOp() kv.Op {
	k := c.rng.IntN(c.w.o.Keys)
	op := kv.Op{Key: "k" + strconv.Itoa(k), Client: uint64(c.id), Seq: c.seq}
	val := "c" + strconv.Itoa(c.id) + "." + strconv.FormatUint(c.seq, 10)
	wr := 100 - c.readPct // split 25:25:20 among put, append and cas
	switch c.rng.Pick([]uint64{c.readPct * 70, wr * 25, wr * 25, wr * 20}) {
	case 0:
		op.Kind = kv.Get
	case 1:
		op.Kind, op.Value = kv.Put, val
	case 2:
		op.Kind, op.Value = kv.Append, val+";"
	default:
		op.Kind, op.Value, op.Expect = kv.Cas, val, c.seen[k]
	}
	return op
}

func (c *client) sendOp() {
	w := c.w
	w.send(w.clientNet(c.id), c.target, packet{kind: pkReq, req: c.req})
	c.wakeAt(w.now() + w.o.ClientTimeoutNs)
}

// receive handles a host's answer.
func (c *client) receive(r *response) {
	if r == nil || c.req == nil || r.seq != c.req.op.Seq || r.result.Stale {
		return // an answer to an earlier attempt of a finished operation
	}
	w := c.w
	if r.notLeader {
		if r.leader > 0 && r.leader != c.target {
			c.target = r.leader
			c.sendOp()
			return
		}
		c.target = w.nextHost(c.target)
		c.backoff = true
		c.wakeAt(w.now() + redirectBackoffNs)
		return
	}
	c.complete(r)
}

// complete records the outcome and schedules the next operation.
func (c *client) complete(r *response) {
	w := c.w
	h := &w.history[c.hist]
	h.Return, h.Status = w.now(), checker.StatusOK
	h.Output, h.Node = outputOf(c.req.op.Kind, r), r.node
	w.live.Check(w.now()) // judges this op's deadline before it is cleared
	w.live.Complete(w.now(), c.id)
	w.stats.latencies = append(w.stats.latencies, h.Return-h.Call)
	if k, err := strconv.Atoi(c.req.op.Key[1:]); err == nil && !r.guess {
		c.seen[k] = r.result.Value
	}
	c.req = nil
	c.wakeAt(w.now() + c.rng.Range(0, w.o.RequestGapNs))
}

// outputOf is what the client observed, in the history's terms.
func outputOf(kind kv.Kind, r *response) checker.Output {
	if r.guess {
		return checker.Output{} // acknowledged without a result
	}
	b := &outputBox{r.result.Value, r.result.Version, r.result.Found, r.result.OK} // one allocation, not four
	out := checker.Output{Value: &b.value, Found: &b.found, Version: &b.version}
	if kind == kv.Cas {
		out.OK = &b.ok
	}
	return out
}

// outputBox holds the fields an Output points to.
type outputBox struct {
	value     string
	version   uint64
	found, ok bool
}

// modeWeights are the weights a client draws for each read mode of the run:
// clients differ in their mix (one reads only its lease, another mostly
// stale), which is how a sweep meets every combination.
var modeWeights = []uint64{0, 1, 3}

// drawModes draws the client's mix of the run's read modes, from a stream
// of its own: with one mode (say log) the client draws nothing, so its
// operations are those of older versions.
func (c *client) drawModes() {
	c.modes, _ = parseReadModes(c.w.o.ReadModes) // validated by Options.Validate
	if len(c.modes) < 2 {
		return
	}
	c.modeRng = c.w.rng.Forkf("client-mode-%d", c.id)
	c.modeW = make([]uint64, len(c.modes))
	var sum uint64
	for i := range c.modeW {
		c.modeW[i] = modeWeights[c.modeRng.IntN(len(modeWeights))]
		sum += c.modeW[i]
	}
	if sum == 0 {
		for i := range c.modeW {
			c.modeW[i] = 1
		}
	}
}

// pickMode draws a get's mode, as the history names it.
func (c *client) pickMode() string {
	if len(c.modes) == 1 {
		return historyMode(c.modes[0])
	}
	return historyMode(c.modes[c.modeRng.Pick(c.modeW)])
}
