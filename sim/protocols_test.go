package sim

// The tests run our Raft, the default protocol, and etcd-io/raft through
// their adapters.
import (
	_ "github.com/faultline-sim/faultline/replica/etcdraft"
	_ "github.com/faultline-sim/faultline/replica/raftr"
)
