module github.com/faultline-sim/faultline

go 1.26

toolchain go1.26.8

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/stretchr/testify v1.12.0
	pgregory.net/rapid v1.3.0
)

require (
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/golang/protobuf v1.5.4 // indirect
	go.etcd.io/raft/v3 v3.6.0 // indirect
	google.golang.org/protobuf v1.33.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
