package raft

import "slices"

// Node is one Raft peer. Not safe for concurrent use.
type Node struct {
	cfg   Config // validated, defaults applied, Peers sorted
	id    uint64
	term  uint64 // current term (persisted)
	vote  uint64 // vote in term (persisted), 0 if none
	lead  uint64 // known leader in term, 0 if none
	role  Role
	log   *raftLog
	prs   map[uint64]*progress // leader only; iterate the configuration's members for order
	votes map[uint64]bool      // (pre-)candidate only: granted or rejected per voter
	msgs  []Message            // outbox, handed out by Ready
	// spareMsgs is an empty outbox array to reuse: the last Advanced Ready's
	// (Invariant: len 0, never the array of msgs or of a pending Ready).
	spareMsgs []Message

	electionElapsed   int    // ticks since last reset; leader: since last CheckQuorum round
	heartbeatElapsed  int    // leader: ticks since last heartbeat
	randomizedTimeout int    // in [ElectionTicks, 2*ElectionTicks)
	ticks             uint64 // ticks since NewNode: the leader's lease clock
	// voteFence: restarted with CheckQuorum, the node ignores vote requests
	// for ElectionTicks, as if it had just heard from a leader: it may have
	// acked a heartbeat that a leader's lease counts on before the crash.
	voteFence bool

	reads      []readReq   // leader: ReadIndex requests awaiting confirmation, oldest first
	readStates []ReadState // confirmed reads, handed out by Ready
	snapChunks snapAssembly
	early      []Message // follower: Apps of this term's leader held until a gap fills (holdEarly)

	// selfVote: a candidate's term whose own vote is not yet counted; it
	// counts once a Ready carrying that term and vote is Advanced (durable).
	selfVote     uint64
	readyPending bool      // a Ready was handed out and not yet Advanced
	prevHard     HardState // last HardState handed out
	prevSoft     SoftState
}

// String names the role for traces.
func (r Role) String() string {
	switch r {
	case Follower:
		return "Follower"
	case PreCandidate:
		return "PreCandidate"
	case Candidate:
		return "Candidate"
	case Leader:
		return "Leader"
	}
	return "Role(" + itoa(int(r)) + ")"
}

func newNode(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	hs, err := cfg.Storage.InitialState()
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, id: cfg.ID, log: newLog(cfg.Storage, cfg.Peers)}
	if hs.Commit > n.log.lastIndex() {
		panic("raft: persisted commit " + u64(hs.Commit) + " beyond persisted last index " + u64(n.log.lastIndex()))
	}
	n.term, n.vote = hs.Term, hs.Vote
	n.log.committed = max(n.log.committed, hs.Commit)
	n.log.foldConfs()
	n.becomeFollower(n.term, 0)
	n.voteFence = cfg.CheckQuorum
	n.prevHard = n.hardState()
	n.prevSoft = n.softState()
	n.logf("restored term=" + u64(n.term) + " vote=" + u64(n.vote) + " commit=" + u64(n.log.committed) +
		" last=" + u64(n.log.lastIndex()))
	return n, nil
}

func (n *Node) logf(s string) {
	if n.cfg.Logger != nil {
		n.cfg.Logger("n" + u64(n.id) + " t" + u64(n.term) + " " + s)
	}
}

func (n *Node) hardState() HardState {
	return HardState{Term: n.term, Vote: n.vote, Commit: n.log.committed}
}

func (n *Node) softState() SoftState { return SoftState{Lead: n.lead, Role: n.role} }

func (n *Node) status() Status {
	return Status{
		ID: n.id, Term: n.term, Vote: n.vote, Lead: n.lead, Role: n.role,
		Commit: n.log.committed, Applied: n.log.applied,
		LastIndex: n.log.lastIndex(), LastTerm: n.log.lastTerm(),
		Config: n.log.conf().cs, ConfigIndex: n.log.conf().index,
	}
}

// send queues m for the host; Term defaults to the current term.
func (n *Node) send(m Message) {
	m.From = n.id
	if m.Term == 0 {
		m.Term = n.term
	}
	n.msgs = append(n.msgs, m)
}

// reset enters term: clears the vote if the term changes, the leader, the
// timers and the per-role state.
func (n *Node) reset(term uint64) {
	if term < n.term {
		panic("raft: invariant broken: term moves back from " + u64(n.term) + " to " + u64(term))
	}
	if term != n.term {
		n.term, n.vote = term, 0
	}
	n.lead = 0
	n.electionElapsed, n.heartbeatElapsed = 0, 0
	n.randomizedTimeout = n.cfg.ElectionTicks + n.cfg.Rand.IntN(n.cfg.ElectionTicks)
	n.votes = map[uint64]bool{}
	n.prs = nil
	n.reads = nil
	n.snapChunks = snapAssembly{}
	n.early = nil
}

func (n *Node) becomeFollower(term, lead uint64) {
	n.reset(term)
	n.role, n.lead = Follower, lead
	n.logf("follower lead=" + u64(lead))
}

func (n *Node) becomePreCandidate() {
	if n.role == Leader {
		panic("raft: invariant broken: leader -> pre-candidate")
	}
	// Term and vote stay: a pre-candidate that cannot win never raises its term.
	n.votes = map[uint64]bool{}
	n.lead = 0
	n.role = PreCandidate
	n.randomizedTimeout = n.cfg.ElectionTicks + n.cfg.Rand.IntN(n.cfg.ElectionTicks)
	n.logf("pre-candidate")
}

func (n *Node) becomeCandidate() {
	if n.role == Leader {
		panic("raft: invariant broken: leader -> candidate")
	}
	n.reset(n.term + 1)
	n.vote = n.id
	n.role = Candidate
	n.logf("candidate")
}

func (n *Node) becomeLeader() {
	if n.role != Candidate {
		panic("raft: invariant broken: " + n.role.String() + " -> leader")
	}
	n.reset(n.term)
	n.role, n.lead = Leader, n.id
	last := n.log.lastIndex()
	members := n.log.conf().members
	n.prs = make(map[uint64]*progress, len(members)+1)
	// Each follower is probed from just after our commit index, not after
	// our last entry: everything above it may be missing or different on a
	// follower, so the first App re-sends it (a few uncommitted entries)
	// and a lagging follower needs no probe round trip to get there. A
	// follower that diverges later than that receives Apps whose entries
	// all match what it holds, and must not commit its own suffix beyond
	// them (Defects.FollowerCommitLeader). Any next index is safe: the
	// consistency check on prev decides (§5.3).
	for _, p := range slices.Concat(members, []uint64{n.id}) {
		n.prs[p] = &progress{next: n.log.committed + 1, inflights: newInflight(n.cfg.MaxInflightMsgs)}
	}
	self := n.prs[n.id]
	self.match = last
	self.becomeReplicate()
	n.logf("leader")
	// A no-op from the new term lets earlier entries commit (§5.4.2, §8).
	n.appendEntries(Entry{Type: EntryEmpty})
}

func (n *Node) tick() {
	n.ticks++
	n.electionElapsed++
	if n.electionElapsed >= n.cfg.ElectionTicks {
		n.voteFence = false
	}
	if n.role == Leader {
		n.tickLeader()
		return
	}
	// Only a node that may campaign restarts its timer: a learner's keeps
	// running past the election timeout, so once its leader is silent that
	// long, leader stickiness no longer makes it ignore vote requests (it
	// may be a voter of the configuration a candidate runs under).
	if n.electionElapsed >= n.randomizedTimeout && n.mayCampaign() {
		n.electionElapsed = 0
		n.campaignNow()
	}
}

func (n *Node) tickLeader() {
	n.heartbeatElapsed++
	if n.electionElapsed >= n.cfg.ElectionTicks {
		n.electionElapsed = 0
		if n.cfg.CheckQuorum && !n.quorumActive() {
			n.logf("check quorum failed, stepping down")
			n.becomeFollower(n.term, 0)
			return
		}
	}
	if n.heartbeatElapsed >= n.cfg.HeartbeatTicks {
		n.heartbeatElapsed = 0
		n.bcastHeartbeat()
	}
}

// quorumActive reports whether a majority (self included; of both halves
// while joint) was heard from since the last call, and clears the marks.
func (n *Node) quorumActive() bool {
	ok := n.hasQuorum(func(id uint64) bool { return id == n.id || n.prs[id].recentActive })
	for _, pr := range n.prs {
		pr.recentActive = false // order-free
	}
	return ok
}
