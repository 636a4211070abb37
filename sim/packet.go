package sim

import (
	"github.com/faultline-sim/faultline/kv"
	"github.com/faultline-sim/faultline/raft"
)

// packet is what the simulated network carries: a Raft message between
// hosts, or a client request or reply. Exactly one part is set.
type packet struct {
	raft *raft.Message
	req  *request
	resp *response
}

// request is a client's operation sent to a host.
type request struct {
	op kv.Op
}

// response answers a request. notLeader: the host does not lead; leader is
// its hint (0: unknown).
type response struct {
	seq       uint64
	result    kv.Result
	notLeader bool
	leader    int
	guess     bool // acknowledged before the result was known (a planted defect)
}

// Clone implements simnet.Message: a deep copy, no slice shared.
func (p packet) Clone() packet {
	switch {
	case p.raft != nil:
		m := p.raft.Clone()
		return packet{raft: &m}
	case p.req != nil:
		r := *p.req
		return packet{req: &r}
	case p.resp != nil:
		r := *p.resp
		return packet{resp: &r}
	}
	return p
}
