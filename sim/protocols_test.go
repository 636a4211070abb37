package sim

// The tests run our Raft, the default protocol, through its adapter.
import _ "github.com/faultline-sim/faultline/replica/raftr"
