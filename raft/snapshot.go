package raft

// InstallSnapshot in chunks. The leader sends a snapshot's Data in chunks of
// at most Config.MaxSnapshotChunkBytes (0: one message), all at once and in
// order, each with the full metadata, its byte offset and, on the last, done.
// The follower assembles the chunks of one snapshot from the leader of its
// term and installs it only when the done chunk arrives. A chunk that does
// not continue the assembly (out of order, another snapshot, an earlier
// term: a term change clears the assembly) is discarded; a chunk at offset 0
// starts a new assembly. A lost chunk stalls the assembly until the leader,
// hearing a heartbeat reply, probes again and resends the whole snapshot.

// snapAssembly is a follower's partly received snapshot.
type snapAssembly struct {
	meta   SnapshotMetadata
	data   []byte
	active bool
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
	if m.SnapOffset == 0 && m.SnapDone {
		*a = snapAssembly{}
		return m.Snapshot.clone(), true
	}
	switch {
	case m.SnapOffset == 0:
		*a = snapAssembly{meta: Snapshot{Metadata: md}.clone().Metadata, active: true,
			data: cloneBytes(m.Snapshot.Data)}
	case !a.active || a.meta.Index != md.Index || a.meta.Term != md.Term || uint64(len(a.data)) != m.SnapOffset:
		n.logf("discarding snapshot chunk " + u64(md.Index) + "@" + u64(m.SnapOffset))
		return Snapshot{}, false
	default:
		a.data = append(a.data, m.Snapshot.Data...)
	}
	if !m.SnapDone {
		return Snapshot{}, false
	}
	snap := Snapshot{Data: a.data, Metadata: a.meta}
	*a = snapAssembly{}
	return snap, true
}
