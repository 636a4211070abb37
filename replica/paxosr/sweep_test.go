package paxosr_test

import (
	"testing"

	"github.com/faultline-sim/faultline/faulttest"
	"github.com/faultline-sim/faultline/replica/paxosr"
)

// TestSweep runs the default sweep's first seeds over Paxos as subtests
// (go test ./replica/paxosr -run TestSweep -faulttest.seeds=1-500 widens it).
func TestSweep(t *testing.T) {
	faulttest.Sweep{Protocol: paxosr.Protocol{}, Seeds: "1-5"}.Run(t)
}
