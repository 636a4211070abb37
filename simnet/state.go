package simnet

import "fmt"

// checkNode returns an error naming field when id is not in 1..N.
func (nw *Network[M]) checkNode(field string, id int) error {
	if id < 1 || id > nw.n {
		return fmt.Errorf("%s: unknown node %d (nodes are 1..%d)", field, id, nw.n)
	}
	return nil
}

func (nw *Network[M]) linkOf(from, to int) (*link[M], error) {
	if err := nw.checkNode("from", from); err != nil {
		return nil, err
	}
	if err := nw.checkNode("to", to); err != nil {
		return nil, err
	}
	return &nw.links[(from-1)*nw.n+(to-1)], nil
}

// mustLink is linkOf for the hot path (every send and arrival): the range
// test inline, the error built only to panic with.
func (nw *Network[M]) mustLink(from, to int) *link[M] {
	if uint(from-1) >= uint(nw.n) || uint(to-1) >= uint(nw.n) {
		_, err := nw.linkOf(from, to)
		panic("simnet: " + err.Error())
	}
	return &nw.links[(from-1)*nw.n+(to-1)]
}

// SetLink replaces the options of link from -> to from now on (copies in
// flight keep their arrival times).
func (nw *Network[M]) SetLink(from, to int, o LinkOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	l, err := nw.linkOf(from, to)
	if err != nil {
		return err
	}
	l.opts = o
	return nil
}

// Link returns the options of link from -> to.
func (nw *Network[M]) Link(from, to int) (LinkOptions, error) {
	l, err := nw.linkOf(from, to)
	if err != nil {
		return LinkOptions{}, err
	}
	return l.opts, nil
}

// Up reports whether link from -> to is up at atNs (clogged links are up).
func (nw *Network[M]) Up(from, to int, atNs int64) bool {
	return !nw.mustLink(from, to).downAt(atNs)
}

// Cut takes link from -> to down (one way) until Heal, HealAll or Partition.
func (nw *Network[M]) Cut(from, to int) error { return nw.setCut(from, to, true) }

// CutBoth cuts a -> b and b -> a.
func (nw *Network[M]) CutBoth(a, b int) error {
	if err := nw.setCut(a, b, true); err != nil {
		return err
	}
	return nw.setCut(b, a, true)
}

// Heal brings link from -> to back up: it clears its cut and its flap (not a clog).
func (nw *Network[M]) Heal(from, to int) error {
	if err := nw.setCut(from, to, false); err != nil {
		return err
	}
	nw.links[(from-1)*nw.n+(to-1)].flap = nil
	return nil
}

// HealAll heals every link (cuts and flaps; clogs stay, see UnclogAll).
func (nw *Network[M]) HealAll() {
	for i := range nw.links {
		nw.links[i].cut = false
		nw.links[i].flap = nil
	}
}

func (nw *Network[M]) setCut(from, to int, cut bool) error {
	l, err := nw.linkOf(from, to)
	if err != nil {
		return err
	}
	l.cut = cut
	return nil
}

// Isolate cuts every link into and out of node (both directions).
func (nw *Network[M]) Isolate(node int) error {
	if err := nw.checkNode("isolate", node); err != nil {
		return err
	}
	for o := 1; o <= nw.n; o++ {
		if o != node {
			_ = nw.CutBoth(node, o)
		}
	}
	return nil
}

// Partition sets the cut state of every link: links between nodes of the
// same group are uncut, all others cut. A node in no group is alone. A node
// listed twice or unknown is an error and changes nothing. Flaps and clogs
// are left as they are.
func (nw *Network[M]) Partition(groups [][]int) error {
	group := make([]int, nw.n+1) // node -> group index+1; 0: alone
	for gi, g := range groups {
		for _, id := range g {
			if err := nw.checkNode(fmt.Sprintf("partition: group %d", gi), id); err != nil {
				return err
			}
			if group[id] != 0 {
				return fmt.Errorf("partition: group %d: node %d already in group %d", gi, id, group[id]-1)
			}
			group[id] = gi + 1
		}
	}
	for a := 1; a <= nw.n; a++ {
		for b := 1; b <= nw.n; b++ {
			same := a == b || (group[a] != 0 && group[a] == group[b])
			nw.links[(a-1)*nw.n+(b-1)].cut = !same
		}
	}
	return nil
}

// Flap makes link from -> to toggle in [startNs, endNs]: down at startNs,
// then alternating down and up phases of at least minDownNs and minUpNs
// (each drawn in [min, 2*min]), up again by endNs. Toggle times are drawn now
// from the link's own random stream; the state is then a function of time.
// A new Flap replaces the link's previous one.
func (nw *Network[M]) Flap(from, to int, startNs, endNs, minUpNs, minDownNs int64) error {
	l, err := nw.linkOf(from, to)
	if err != nil {
		return err
	}
	if err := validateFlap(startNs, endNs, minUpNs, minDownNs); err != nil {
		return err
	}
	l.flap = flapToggles(nw.rng.Forkf("flap-%d-%d-%d", from, to, startNs), startNs, endNs, minUpNs, minDownNs)
	return nil
}

// Clog makes link from -> to hold every copy sent on it or arriving on it.
func (nw *Network[M]) Clog(from, to int) error {
	l, err := nw.linkOf(from, to)
	if err != nil {
		return err
	}
	l.clogged = true
	return nil
}

// Unclog releases the held copies of link from -> to in hold order, each
// with a fresh latency from nowNs, for the caller to schedule.
func (nw *Network[M]) Unclog(nowNs int64, from, to int) ([]Delivery[M], error) {
	l, err := nw.linkOf(from, to)
	if err != nil {
		return nil, err
	}
	l.clogged = false
	out := l.held
	l.held = nil
	r := nw.linkRand(l, from, to)
	for i := range out {
		out[i].AtNs = nowNs + l.opts.latency(r)
	}
	return out, nil
}

// UnclogAll unclogs every link in (from, to) order.
func (nw *Network[M]) UnclogAll(nowNs int64) []Delivery[M] {
	var out []Delivery[M]
	for from := 1; from <= nw.n; from++ {
		for to := 1; to <= nw.n; to++ {
			if l := &nw.links[(from-1)*nw.n+(to-1)]; l.clogged || len(l.held) > 0 {
				ds, _ := nw.Unclog(nowNs, from, to)
				out = append(out, ds...)
			}
		}
	}
	return out
}

// Clogged reports whether link from -> to is clogged.
func (nw *Network[M]) Clogged(from, to int) bool { return nw.mustLink(from, to).clogged }

// Counters returns link from -> to's counters. It panics on an unknown id.
func (nw *Network[M]) Counters(from, to int) LinkCounters { return nw.mustLink(from, to).c }

// Totals sums the counters of all links.
func (nw *Network[M]) Totals() LinkCounters {
	var t LinkCounters
	for i := range nw.links {
		t.add(nw.links[i].c)
	}
	return t
}

// Uncut clears the cut of link from -> to, leaving its flap and clog alone.
func (nw *Network[M]) Uncut(from, to int) error { return nw.setCut(from, to, false) }

// UncutAll clears every cut, leaving flaps and clogs alone.
func (nw *Network[M]) UncutAll() {
	for i := range nw.links {
		nw.links[i].cut = false
	}
}
