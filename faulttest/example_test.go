package faulttest_test

import (
	"fmt"
	"testing"

	"github.com/faultline-sim/faultline/faulttest"
	"github.com/faultline-sim/faultline/replica/raftr"
)

// myRaft stands for your own replica: any type that meets replica.Protocol.
// Here it is our Raft's adapter under a name of its own, so this file uses
// nothing but the public API, as a test in another module would.
type myRaft struct{ raftr.Protocol }

func (myRaft) Name() string { return "my-raft" }

// TestMyRaft is what a test in your module looks like: one subtest per
// seed; a failure prints its replay line and writes its artifacts.
func TestMyRaft(t *testing.T) {
	faulttest.Sweep{Protocol: myRaft{}, Seeds: "1-20"}.Run(t)
}

// Check runs a sweep outside go test's subtests and counts the verdicts.
func ExampleSweep_Check() {
	rep, err := faulttest.Sweep{Protocol: myRaft{}, Seeds: "1-5"}.Check()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d passed, %d failed\n", rep.Passed, rep.Failed)
	// Output: 5 passed, 0 failed
}
