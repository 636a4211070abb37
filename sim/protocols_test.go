package sim

// The tests run our Raft, the default protocol, through its adapter, and
// our Multi-Paxos where a test names -protocol paxos.
import (
	_ "github.com/faultline-sim/faultline/replica/paxosr"
	_ "github.com/faultline-sim/faultline/replica/raftr"
)
