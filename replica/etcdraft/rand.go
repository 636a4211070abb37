package etcdraft

import (
	"io"

	"github.com/faultline-sim/faultline/internal/etcdrand"
	"github.com/faultline-sim/faultline/replica"
)

// etcd's election jitter comes from the run's seed: see package etcdrand.

type seededReader = etcdrand.Reader

func newSeededReader(r replica.Rand) *seededReader { return etcdrand.New(r) }

// locked runs f, a call into etcd, with its draws from src.
func locked(src io.Reader, f func()) { etcdrand.Locked(src, "etcd", f) }
