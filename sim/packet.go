package sim

import (
	"github.com/faultline-sim/faultline/kv"
	"github.com/faultline-sim/faultline/replica"
)

// packet is what the simulated network carries: a replica message between
// hosts, or a client request or reply. kind says which part is set. A
// request or response is immutable once sent, so copies share it: the packet
// stays 40 bytes, which the network and the slab copy on every delivery.
type packet struct {
	kind packetKind
	msg  replica.Message
	req  *request
	resp *response
}

type packetKind uint8

const (
	pkRaft packetKind = iota + 1
	pkReq
	pkResp
)

// request is a client's operation sent to a host.
type request struct {
	op   kv.Op
	mode string // get: read mode (checker Mode constants); "" through the log
}

// response answers a request. notLeader: the host does not lead; leader is
// its hint (0: unknown).
type response struct {
	seq       uint64
	result    kv.Result
	notLeader bool
	leader    int
	guess     bool // acknowledged before the result was known (a planted defect)
	node      int  // host that served the operation (0: a redirect)
}

// Clone implements simnet.Message: a deep copy, no slice shared (a request
// or response holds no slice and is never written after it is sent).
func (p packet) Clone() packet {
	if p.kind == pkRaft {
		p.msg = p.msg.Clone()
	}
	return p
}
