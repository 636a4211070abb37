module github.com/faultline-sim/faultline/etcd37

go 1.26

require (
	github.com/faultline-sim/faultline v0.0.0
	go.etcd.io/raft/v3 v3.7.0
	google.golang.org/protobuf v1.36.11
)

require github.com/anishathalye/porcupine v1.3.1 // indirect

replace github.com/faultline-sim/faultline => ../
