package raft

// step applies the term rules common to every message (§5.1: a higher term
// makes us a follower; a lower term is stale), then one handler per type.
func (n *Node) step(m Message) error {
	if err := n.checkMessage(m); err != nil {
		return err
	}
	if m.Term > n.term && !n.stepHigherTerm(m) {
		return nil
	}
	if m.Term < n.term && !(n.cfg.Defects.StaleReply && m.Type == MsgAppResp) {
		n.stepLowerTerm(m)
		return nil
	}
	switch m.Type {
	case MsgVote, MsgPreVote:
		n.handleVote(m)
	case MsgVoteResp, MsgPreVoteResp:
		n.handleVoteResp(m)
	case MsgApp:
		n.handleApp(m)
	case MsgAppResp:
		n.handleAppResp(m)
	case MsgHeartbeat:
		n.handleHeartbeat(m)
	case MsgHeartbeatResp:
		n.handleHeartbeatResp(m)
	case MsgSnap:
		n.handleSnap(m)
	}
	return nil
}

func (n *Node) checkMessage(m Message) error {
	switch {
	case m.To != n.id:
		return msgErr(m.Type.String() + " to " + u64(m.To) + " delivered to " + u64(n.id))
	case m.From == n.id || m.From == 0:
		return msgErr(m.Type.String() + " from invalid peer " + u64(m.From))
	case m.Term == 0:
		return msgErr(m.Type.String() + " from " + u64(m.From) + " without term")
	case m.Type < MsgVote || m.Type > MsgSnap:
		return msgErr("unknown type " + m.Type.String())
	}
	return nil
}

// stepHigherTerm handles a message from a later term; false means drop it.
func (n *Node) stepHigherTerm(m Message) bool {
	if m.Type == MsgVote || m.Type == MsgPreVote {
		// Leader stickiness (§4.2.3 of the thesis): with a live leader, ignore
		// vote requests, so a rejoining node cannot disrupt the cluster.
		if n.cfg.CheckQuorum && (n.lead != 0 || n.voteFence) && n.electionElapsed < n.cfg.ElectionTicks {
			return false
		}
	}
	switch {
	case m.Type == MsgPreVote:
		// A pre-vote never changes our term.
	case m.Type == MsgPreVoteResp && !m.Reject:
		// Granted pre-votes carry the term we would campaign in.
	case m.Type == MsgApp || m.Type == MsgHeartbeat || m.Type == MsgSnap:
		n.becomeFollower(m.Term, m.From)
	default:
		n.becomeFollower(m.Term, 0)
	}
	return true
}

// stepLowerTerm answers stale messages that need it.
func (n *Node) stepLowerTerm(m Message) {
	switch {
	case (n.cfg.CheckQuorum || n.cfg.PreVote) && (m.Type == MsgApp || m.Type == MsgHeartbeat):
		// Tell a stale leader about our term. Without this, a node whose term
		// rose (say, while partitioned) but whose pre-votes fail would never
		// hear from the leader again, and the leader would not learn of it.
		n.send(Message{To: m.From, Type: MsgAppResp})
	case m.Type == MsgPreVote:
		n.send(Message{To: m.From, Type: MsgPreVoteResp, Reject: true})
	}
}
