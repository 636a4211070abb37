package etcdraft37

import "fmt"

// quietLogger is a node's etcd logger: it says nothing, except that Fatal
// and Panic panic (etcd's invariants), with the node in the message. Each
// node has its own, so etcd's global logger is never used.
type quietLogger struct{ id uint64 }

func (quietLogger) Debug(...any)            {}
func (quietLogger) Debugf(string, ...any)   {}
func (quietLogger) Info(...any)             {}
func (quietLogger) Infof(string, ...any)    {}
func (quietLogger) Warning(...any)          {}
func (quietLogger) Warningf(string, ...any) {}
func (quietLogger) Error(...any)            {}
func (quietLogger) Errorf(string, ...any)   {}

func (l quietLogger) Fatal(v ...any) { l.Panic(v...) }
func (l quietLogger) Fatalf(f string, v ...any) {
	l.Panicf(f, v...)
}
func (l quietLogger) Panic(v ...any) {
	panic(fmt.Sprintf("etcd37: node %d: %s", l.id, fmt.Sprint(v...)))
}
func (l quietLogger) Panicf(f string, v ...any) {
	panic(fmt.Sprintf("etcd37: node %d: %s", l.id, fmt.Sprintf(f, v...)))
}
