package paxosr

import (
	"testing"

	"github.com/faultline-sim/faultline/paxos"
	"github.com/faultline-sim/faultline/replica"
	"github.com/stretchr/testify/require"
)

func b(round, id uint64) paxos.Ballot { return paxos.MakeBallot(round, id) }

func val(s string) paxos.Value { return paxos.Value{Data: []byte(s)} }

// A crash loses the unsynced writes; torn, it keeps the first ones.
func TestDiskCrashLosesUnsynced(t *testing.T) {
	d := &disk{}
	d.write(&paxos.Ready{Promised: b(1, 1), Slots: []paxos.Slot{{Index: 1, Ballot: b(1, 1), Value: val("a")}}})
	d.sync()
	d.write(&paxos.Ready{Promised: b(2, 2), Slots: []paxos.Slot{{Index: 3, Ballot: b(2, 2), Value: val("c")}}})
	require.Equal(t, 2, d.Pending())
	torn := *d
	torn.ents = append([]paxos.Slot(nil), d.ents...)
	torn.pending = append([]diskWrite(nil), d.pending...)

	d.crash(0)
	st := d.state()
	require.Equal(t, b(1, 1), st.Promised)
	require.Equal(t, []paxos.Slot{{Index: 1, Ballot: b(1, 1), Value: val("a")}}, st.Slots)
	require.Len(t, d.ents, 1, "the holes the lost write made are gone too")

	torn.crash(1)
	st = torn.state()
	require.Equal(t, b(2, 2), st.Promised, "the first unsynced write (the promise) survived")
	require.Len(t, st.Slots, 1)
}

// A snapshot write drops the slots it covers; a crash before sync restores them.
func TestDiskSnapshotUndone(t *testing.T) {
	d := &disk{}
	d.write(&paxos.Ready{Slots: []paxos.Slot{
		{Index: 1, Ballot: b(1, 1), Value: val("a"), Chosen: true},
		{Index: 2, Ballot: b(1, 1), Value: val("b"), Chosen: true},
		{Index: 3, Ballot: b(1, 1), Value: val("c")},
	}})
	d.sync()
	d.compact(2, []byte("image"))
	rec := d.Recovered()
	require.Equal(t, uint64(2), rec.SnapAt)
	require.Equal(t, uint64(2), rec.Commit)
	require.Len(t, rec.State.(paxos.State).Slots, 1)
	d.crash(0)
	rec = d.Recovered()
	require.Zero(t, rec.SnapAt)
	require.Equal(t, uint64(2), rec.Commit)
	require.Len(t, rec.State.(paxos.State).Slots, 3)
}

func obs(kind paxos.ObsKind, node, index uint64, ballot paxos.Ballot, v paxos.Value) paxos.Observation {
	return paxos.Observation{Kind: kind, Node: node, Index: index, Ballot: ballot, Value: v}
}

func feed(c replica.Checker, node uint64, os ...paxos.Observation) {
	xs := make([]any, len(os))
	for i, o := range os {
		xs[i] = o
	}
	c.Durable(0, node, xs)
}

func newChecker() replica.Checker { return Protocol{}.NewChecker(3) }

func TestCheckerPassesPaxos(t *testing.T) {
	c := newChecker()
	feed(c, 1, obs(paxos.ObsAccept, 1, 1, b(1, 1), val("x")))
	feed(c, 2, obs(paxos.ObsAccept, 2, 1, b(1, 1), val("x")))
	feed(c, 1, obs(paxos.ObsChosen, 1, 1, b(1, 1), val("x")))
	// A later ballot re-proposes the chosen value: still one value.
	feed(c, 3, obs(paxos.ObsAccept, 3, 1, b(2, 3), val("x")))
	feed(c, 2, obs(paxos.ObsAccept, 2, 1, b(2, 3), val("x")))
	require.Nil(t, c.Violation())
}

func TestCheckerTwoValuesChosen(t *testing.T) {
	c := newChecker()
	feed(c, 1, obs(paxos.ObsAccept, 1, 1, b(1, 1), val("x")))
	feed(c, 2, obs(paxos.ObsAccept, 2, 1, b(1, 1), val("x")))
	feed(c, 3, obs(paxos.ObsAccept, 3, 1, b(2, 3), val("y")))
	feed(c, 2, obs(paxos.ObsAccept, 2, 1, b(2, 3), val("y")))
	v := c.Violation()
	require.NotNil(t, v)
	require.Equal(t, CheckOneValue, v.Check)
}

func TestCheckerOneValuePerBallot(t *testing.T) {
	c := newChecker()
	feed(c, 1, obs(paxos.ObsAccept, 1, 1, b(1, 1), val("x")))
	feed(c, 2, obs(paxos.ObsAccept, 2, 1, b(1, 1), val("other")))
	require.Equal(t, CheckBallotValue, c.Violation().Check)
}

func TestCheckerLearnedUnchosen(t *testing.T) {
	c := newChecker()
	feed(c, 1, obs(paxos.ObsAccept, 1, 1, b(1, 1), val("x")))
	feed(c, 1, obs(paxos.ObsChosen, 1, 1, b(1, 1), val("x")))
	require.Equal(t, CheckChosen, c.Violation().Check)
}

func TestCheckerForgottenPromise(t *testing.T) {
	c := newChecker()
	feed(c, 2, obs(paxos.ObsPromise, 2, 0, b(3, 1), paxos.Value{}))
	c.Restarted(0, 2, replica.Recovered{State: paxos.State{Promised: b(3, 1)}})
	require.Nil(t, c.Violation())
	c.Restarted(0, 2, replica.Recovered{State: paxos.State{Promised: b(2, 1)}})
	require.Equal(t, CheckDurable, c.Violation().Check)
}

func TestCheckerForgottenAccept(t *testing.T) {
	c := newChecker()
	feed(c, 2, obs(paxos.ObsAccept, 2, 4, b(3, 1), val("x")))
	c.Restarted(0, 2, replica.Recovered{State: paxos.State{Snap: paxos.Snapshot{Index: 4}}})
	require.Nil(t, c.Violation(), "slot 4 is in the snapshot")
	c.Restarted(0, 2, replica.Recovered{State: paxos.State{}})
	require.Equal(t, CheckDurable, c.Violation().Check)
}

// The first promise: a ballot is granted once, and only above every ballot
// promised or accepted before.
func TestCheckerPromiseGrantedTwice(t *testing.T) {
	c := newChecker()
	feed(c, 2, obs(paxos.ObsPromise, 2, 0, b(3, 1), paxos.Value{}))
	feed(c, 2, obs(paxos.ObsPromise, 2, 0, b(4, 3), paxos.Value{}))
	require.Nil(t, c.Violation())
	feed(c, 2, obs(paxos.ObsPromise, 2, 0, b(4, 3), paxos.Value{}))
	require.Equal(t, CheckPromise, c.Violation().Check)
}

func TestCheckerPromiseBelowAccept(t *testing.T) {
	c := newChecker()
	feed(c, 3, obs(paxos.ObsAccept, 3, 1, b(5, 2), val("x")))
	feed(c, 3, obs(paxos.ObsPromise, 3, 0, b(5, 1), paxos.Value{}))
	require.Equal(t, CheckPromise, c.Violation().Check, "an accept of 5.2 promised it")
}

// The acceptor's lease: after acking leader 1 at tick 10 (lease to tick 20)
// node 2 may grant leader 1's own new ballot, or anyone's from tick 20 on,
// but not node 3's before; after a restart the boot fence refuses everyone.
func TestCheckerPrepareInLease(t *testing.T) {
	c := newChecker()
	feed(c, 2, obs(paxos.ObsLease, 2, 20, b(1, 1), paxos.Value{}))
	feed(c, 2, obs(paxos.ObsPromise, 2, 15, b(2, 1), paxos.Value{}))
	feed(c, 2, obs(paxos.ObsPromise, 2, 20, b(3, 3), paxos.Value{}))
	require.Nil(t, c.Violation())
	feed(c, 2, obs(paxos.ObsLease, 2, 30, b(3, 3), paxos.Value{}))
	feed(c, 2, obs(paxos.ObsPromise, 2, 29, b(4, 1), paxos.Value{}))
	v := c.Violation()
	require.NotNil(t, v)
	require.Equal(t, CheckLease, v.Check)
	require.Equal(t, []uint64{2, 3}, v.Nodes)

	c = newChecker()
	c.Restarted(0, 2, replica.Recovered{State: paxos.State{}})
	feed(c, 2, obs(paxos.ObsLease, 2, 10, 0, paxos.Value{}), obs(paxos.ObsPromise, 2, 10, b(1, 3), paxos.Value{}))
	require.Nil(t, c.Violation(), "the fence ends at tick 10")
	c.Restarted(0, 2, replica.Recovered{State: paxos.State{Promised: b(1, 3)}})
	feed(c, 2, obs(paxos.ObsLease, 2, 10, 0, paxos.Value{}), obs(paxos.ObsPromise, 2, 9, b(2, 1), paxos.Value{}))
	require.Equal(t, CheckLease, c.Violation().Check)
}
