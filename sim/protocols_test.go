package sim

// The tests run our Raft, the default protocol, through its adapter, and
// etcd-io/raft and our Multi-Paxos where a test or file names them.
import (
	_ "github.com/faultline-sim/faultline/replica/etcdraft"
	_ "github.com/faultline-sim/faultline/replica/paxosr"
	_ "github.com/faultline-sim/faultline/replica/raftr"
)
