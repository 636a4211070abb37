module github.com/faultline-sim/faultline

go 1.26

toolchain go1.26.8

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/stretchr/testify v1.12.0
	pgregory.net/rapid v1.3.0
)

require gopkg.in/yaml.v3 v3.0.1 // indirect
