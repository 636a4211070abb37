package paxosr

import (
	"fmt"
	"slices"

	"github.com/faultline-sim/faultline/paxos"
)

// readOrder asserts the core's ReadIndex contract (paxos/readindex.go): a
// leader confirms its reads in the order they were asked, each at most
// once, and drops unconfirmed ones only when its leadership ends. So a
// confirmed read may pass over (as dropped) only reads asked in an earlier
// ballot; one that passes over a read of its own ballot was confirmed out
// of order, and that read is lost (make mutate: readindex.go:60, a read
// confirmed only once a later one arrives, each overtaking the one before).
//
// Invariant: asked holds, in asking order, the reads the core took and has
// not handed out, each with the ballot the node led when asked; reads the
// core dropped stay until a later confirmed read passes over them, or the
// list reaches maxAskedReads (twice the core's own bound of pending reads).
type readOrder struct {
	asked []askedRead
}

const maxAskedReads = 8192

type askedRead struct {
	ctx    string
	ballot paxos.Ballot
}

// took records a read the core accepted as leader of ballot b.
func (o *readOrder) took(ctx []byte, b paxos.Ballot) {
	if len(o.asked) >= maxAskedReads { // forget the reads of earlier leaderships: the core dropped them
		o.asked = slices.DeleteFunc(o.asked, func(a askedRead) bool { return a.ballot < b })
	}
	if len(o.asked) < maxAskedReads {
		o.asked = append(o.asked, askedRead{ctx: string(ctx), ballot: b})
	}
}

// handed checks a Ready's confirmed reads against the asking order.
func (o *readOrder) handed(id uint64, reads []paxos.ReadState) {
	for _, r := range reads {
		k := o.find(string(r.Ctx))
		if k < 0 {
			panic(fmt.Sprintf("paxos: invariant broken: node %d confirmed read %q, which it was not asked or already confirmed", id, r.Ctx))
		}
		for _, a := range o.asked[:k] {
			if a.ballot >= o.asked[k].ballot {
				panic(fmt.Sprintf("paxos: invariant broken: node %d confirmed read %q of ballot %d.%d before read %q it was asked earlier in ballot %d.%d",
					id, r.Ctx, o.asked[k].ballot.Round(), o.asked[k].ballot.Node(), a.ctx, a.ballot.Round(), a.ballot.Node()))
			}
		}
		o.asked = o.asked[k+1:]
	}
}

// find is the position of the read a confirmation of ctx answers: of the
// reads asked with ctx, the first of the highest ballot (a client that
// retries asks again with the same ctx; the copies asked in an earlier
// leadership were dropped with it); -1 if none.
func (o *readOrder) find(ctx string) int {
	k := -1
	for i, a := range o.asked {
		if a.ctx == ctx && (k < 0 || a.ballot > o.asked[k].ballot) {
			k = i
		}
	}
	return k
}
