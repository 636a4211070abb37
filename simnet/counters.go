package simnet

import "fmt"

// LinkCounters count one link's messages by outcome. Every sent message and
// every extra copy ends in exactly one of Delivered, DroppedLoss,
// DroppedPartition, DroppedOverflow, or is still InFlight:
//
//	Sent + Duplicated == Delivered + DroppedLoss + DroppedPartition + DroppedOverflow + InFlight
//
// Clogged counts how often a copy was held by a clog (it stays in flight).
type LinkCounters struct {
	Sent             uint64 // Send calls
	Delivered        uint64 // copies handed to the receiver by Arrive
	DroppedLoss      uint64 // messages lost at send (Loss)
	DroppedPartition uint64 // copies dropped because the link was down (send or arrival)
	DroppedOverflow  uint64 // copies dropped because the clog buffer was full
	Duplicated       uint64 // extra copies made (Duplicate)
	Clogged          uint64 // times a copy was held by a clog
	InFlight         uint64 // copies sent or held but not yet arrived (a gauge)
}

func (c *LinkCounters) add(o LinkCounters) {
	c.Sent += o.Sent
	c.Delivered += o.Delivered
	c.DroppedLoss += o.DroppedLoss
	c.DroppedPartition += o.DroppedPartition
	c.DroppedOverflow += o.DroppedOverflow
	c.Duplicated += o.Duplicated
	c.Clogged += o.Clogged
	c.InFlight += o.InFlight
}

// Balanced reports whether the conservation law above holds.
func (c LinkCounters) Balanced() bool {
	return c.Sent+c.Duplicated ==
		c.Delivered+c.DroppedLoss+c.DroppedPartition+c.DroppedOverflow+c.InFlight
}

func (c LinkCounters) String() string {
	return fmt.Sprintf("sent=%d delivered=%d lost=%d partitioned=%d overflow=%d dup=%d clogged=%d inflight=%d",
		c.Sent, c.Delivered, c.DroppedLoss, c.DroppedPartition, c.DroppedOverflow,
		c.Duplicated, c.Clogged, c.InFlight)
}
