package raft

// InstallSnapshot in chunks. The leader sends a snapshot's Data in chunks of
// at most Config.MaxSnapshotChunkBytes (0: one message), all at once and in
// order, each with the full metadata, its byte offset and, on the last, done.
// The network may reorder them. The follower assembles the chunks of one
// snapshot from the leader of its term and installs it only when every byte
// up to the done chunk arrived: a chunk past the assembled prefix waits in
// early (at most maxEarlyChunks), a chunk at offset 0 starts a new assembly
// and keeps the early chunks of the same snapshot. A term change clears the
// assembly. A lost chunk stalls it until the leader, hearing a heartbeat
// reply, probes again and resends the whole snapshot.

// maxEarlyChunks bounds the chunks a follower holds ahead of its assembly.
const maxEarlyChunks = 64

// snapAssembly is a follower's partly received snapshot.
type snapAssembly struct {
	meta   SnapshotMetadata
	data   []byte
	active bool
	early  []snapChunk // chunks past len(data), or before any offset-0 chunk
}

// snapChunk is a chunk that arrived ahead of the assembly.
type snapChunk struct {
	index, term, off uint64
	data             []byte
	done             bool
}

// sendSnapshotChunks queues snap for to, chunked.
func (n *Node) sendSnapshotChunks(to uint64, snap Snapshot) {
	size := len(snap.Data)
	chunk := n.cfg.MaxSnapshotChunkBytes
	if chunk == 0 || chunk > size {
		chunk = max(size, 1)
	}
	for off := 0; ; off += chunk {
		end := min(off+chunk, size)
		part := Snapshot{Data: snap.Data[off:end:end], Metadata: snap.Metadata}
		n.send(Message{To: to, Type: MsgSnap, Snapshot: part, SnapOffset: uint64(off), SnapDone: end == size})
		if end == size {
			return
		}
	}
}

// assembleSnap adds m's chunk; it returns the whole snapshot (a copy) when
// m completes one.
func (n *Node) assembleSnap(m Message) (Snapshot, bool) {
	a := &n.snapChunks
	md := m.Snapshot.Metadata
	switch {
	case m.SnapOffset == 0 && m.SnapDone:
		*a = snapAssembly{}
		return m.Snapshot.clone(), true
	case m.SnapOffset == 0:
		early := a.early
		*a = snapAssembly{meta: Snapshot{Metadata: md}.clone().Metadata, active: true,
			data: cloneBytes(m.Snapshot.Data)}
		for _, c := range early { // keep the early chunks of this snapshot
			if c.index == md.Index && c.term == md.Term {
				a.early = append(a.early, c)
			}
		}
	case a.active && a.meta.Index == md.Index && a.meta.Term == md.Term && m.SnapOffset == uint64(len(a.data)):
		a.data = append(a.data, m.Snapshot.Data...)
		if m.SnapDone {
			return a.complete()
		}
	case !a.active || m.SnapOffset > uint64(len(a.data)):
		a.hold(md, m) // ahead of the assembly, or before its offset-0 chunk
		return Snapshot{}, false
	default: // a duplicate of the assembled prefix, or another snapshot's chunk within it
		n.logf("discarding snapshot chunk " + u64(md.Index) + "@" + u64(m.SnapOffset))
		return Snapshot{}, false
	}
	return a.drain()
}

// hold keeps a chunk that arrived ahead of the assembly, if there is room.
func (a *snapAssembly) hold(md SnapshotMetadata, m Message) {
	if len(a.early) < maxEarlyChunks {
		a.early = append(a.early, snapChunk{index: md.Index, term: md.Term, off: m.SnapOffset,
			data: cloneBytes(m.Snapshot.Data), done: m.SnapDone})
	}
}

// drain appends the early chunks that continue the assembly, in order;
// bounded by the early chunks held.
func (a *snapAssembly) drain() (Snapshot, bool) {
	for range len(a.early) {
		k := -1
		for i, c := range a.early {
			if c.index == a.meta.Index && c.term == a.meta.Term && c.off == uint64(len(a.data)) {
				k = i
				break
			}
		}
		if k < 0 {
			return Snapshot{}, false
		}
		c := a.early[k]
		a.early = append(a.early[:k], a.early[k+1:]...)
		a.data = append(a.data, c.data...)
		if c.done {
			return a.complete()
		}
	}
	return Snapshot{}, false
}

// complete hands out the assembled snapshot and clears the assembly.
func (a *snapAssembly) complete() (Snapshot, bool) {
	snap := Snapshot{Data: a.data, Metadata: a.meta}
	*a = snapAssembly{}
	return snap, true
}
