package main

import "testing"

// A sweep's soft memory limit grows with its workers, up to the old 2 GiB cap.
func TestSweepMemLimit(t *testing.T) {
	for _, c := range []struct {
		workers int
		mib     int64
	}{{0, 128}, {1, 128}, {2, 192}, {8, 576}, {4096, 2048}} {
		if got := sweepMemLimit(c.workers) >> 20; got != c.mib {
			t.Errorf("sweepMemLimit(%d) = %d MiB, want %d", c.workers, got, c.mib)
		}
	}
}
