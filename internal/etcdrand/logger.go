package etcdrand

import "fmt"

// Logger is a node's etcd logger (it meets raft.Logger): it says nothing,
// except that Fatal and Panic panic (etcd's invariants) with the protocol
// and node in the message. Each node has its own, so etcd's global logger is
// never used.
type Logger struct {
	Name string // the protocol: "etcd", "etcd37"
	ID   uint64
}

func (Logger) Debug(...any)            {}
func (Logger) Debugf(string, ...any)   {}
func (Logger) Info(...any)             {}
func (Logger) Infof(string, ...any)    {}
func (Logger) Warning(...any)          {}
func (Logger) Warningf(string, ...any) {}
func (Logger) Error(...any)            {}
func (Logger) Errorf(string, ...any)   {}

func (l Logger) Fatal(v ...any)            { l.Panic(v...) }
func (l Logger) Fatalf(f string, v ...any) { l.Panicf(f, v...) }
func (l Logger) Panic(v ...any) {
	panic(fmt.Sprintf("%s: node %d: %s", l.Name, l.ID, fmt.Sprint(v...)))
}
func (l Logger) Panicf(f string, v ...any) {
	panic(fmt.Sprintf("%s: node %d: %s", l.Name, l.ID, fmt.Sprintf(f, v...)))
}
