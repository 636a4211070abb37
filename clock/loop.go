package clock

import "fmt"

// StopReason says why Run returned.
type StopReason int

const (
	// StopDeadline: the next event is after the deadline; now == deadline.
	StopDeadline StopReason = iota + 1
	// StopIdle: the queue is empty; now == deadline.
	StopIdle
	// StopBudget: maxEvents events were handled; now is the last event's time.
	StopBudget
)

func (r StopReason) String() string {
	switch r {
	case StopDeadline:
		return "deadline"
	case StopIdle:
		return "idle"
	case StopBudget:
		return "budget"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Loop is the simulation's one run loop: it owns virtual time (now, ns) and
// the event queue, and advances time by popping events in (at, seq) order.
// It is generic over the event type and knows nothing of what events mean:
// the handler given to Run interprets them (and records them in the trace).
// Invariant: now never decreases; pushing an event before now panics.
type Loop[T any] struct {
	q      *Queue[T]
	now    int64
	events uint64
}

// NewLoop returns a loop at time 0 whose queue holds at most capacity events.
func NewLoop[T any](capacity int) *Loop[T] { return &Loop[T]{q: NewQueue[T](capacity)} }

// Now is the current virtual time in ns.
func (l *Loop[T]) Now() int64 { return l.now }

// Events is the number of events handled since the loop was made.
func (l *Loop[T]) Events() uint64 { return l.events }

// Pending is the number of queued events.
func (l *Loop[T]) Pending() int { return l.q.Len() }

// At schedules v at virtual time atNs >= Now(). It returns an error wrapping
// ErrQueueFull when the queue is full.
func (l *Loop[T]) At(atNs int64, v T) (Handle, error) {
	if atNs < l.now {
		panic(fmt.Sprintf("clock: event at %d ns is before now %d ns", atNs, l.now))
	}
	return l.q.Push(atNs, v)
}

// After schedules v delayNs >= 0 after Now().
func (l *Loop[T]) After(delayNs int64, v T) (Handle, error) {
	if delayNs < 0 {
		panic(fmt.Sprintf("clock: negative delay %d ns", delayNs))
	}
	return l.At(l.now+delayNs, v)
}

// Cancel removes a scheduled event; false if it already ran or was cancelled.
func (l *Loop[T]) Cancel(h Handle) bool { return l.q.Cancel(h) }

// Run handles events in (at, seq) order, setting Now() to each event's time
// before calling handle, until the next event is after deadlineNs (events at
// the deadline run) or maxEvents events were handled, whichever comes first.
// It panics if maxEvents < 1 or deadlineNs < Now().
func (l *Loop[T]) Run(deadlineNs int64, maxEvents int, handle func(atNs int64, v T)) StopReason {
	if maxEvents < 1 {
		panic(fmt.Sprintf("clock: Run with maxEvents %d: every loop needs a bound", maxEvents))
	}
	if deadlineNs < l.now {
		panic(fmt.Sprintf("clock: Run deadline %d ns is before now %d ns", deadlineNs, l.now))
	}
	for n := 0; n < maxEvents; n++ {
		at, ok := l.q.Peek()
		if !ok {
			l.now = deadlineNs
			return StopIdle
		}
		if at > deadlineNs {
			l.now = deadlineNs
			return StopDeadline
		}
		_, v, _ := l.q.Pop()
		l.now = at
		l.events++
		handle(at, v)
	}
	return StopBudget
}
