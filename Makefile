# Faultline. `make sim` runs a sweep of seeds; `make test` runs the tests.
GO        ?= go
SEEDS     ?= 1-300
FUZZTIME  ?= 1m
BENCHTIME ?= 1s
SEED      ?= 1
SHRINKBUDGET ?= 200
KERNEL    := ./internal/... ./clock/... ./simnet/... ./raft/... ./kv/...
SIMRUN    := bin/simrun

.PHONY: all test sim fuzz bench lint vet check-deps replay build clean shrink-corpus

all: lint test

build:
	$(GO) build -o $(SIMRUN) ./cmd/simrun

## test: vet, the whole suite, then a -race pass over the kernel packages.
test: vet check-deps
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race $(KERNEL)

## sim: the main job, a sweep of seeds with a summary (SEEDS=A-B to widen).
sim: build
	$(SIMRUN) run -seeds $(SEEDS)

## fuzz: the native fuzz target over generated schedules, then a seed sweep.
fuzz:
	$(GO) test ./sim -run '^$$' -fuzz=FuzzCluster -fuzztime=$(FUZZTIME) -fuzzminimizetime=10x

## shrink-corpus: shrink every regression entry and replay it from its artifact directory.
shrink-corpus:
	$(GO) test ./sim -run TestCorpusShrinks -sim.shrink-corpus=$(SHRINKBUDGET) -v -timeout 60m

## replay: replay one seed verbosely (SEED=N).
replay: build
	$(SIMRUN) replay -seed $(SEED)

bench:
	$(GO) test -run '^$$' -bench . -benchtime=$(BENCHTIME) ./clock/... ./simnet/... ./raft/... ./sim/...

vet:
	$(GO) vet ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

## check-deps: raft/ imports no package of this project, and no time, rand or sync.
check-deps:
	@bad=$$($(GO) list -deps ./raft/... | grep -E '^(time|math/rand|math/rand/v2|crypto/rand|sync)$$' || true); \
	if [ -n "$$bad" ]; then echo "check-deps: raft/ reaches $$bad"; exit 1; fi
	@own=$$($(GO) list -deps ./raft/... | grep '^github.com/faultline-sim/faultline/' | grep -v '/raft' || true); \
	if [ -n "$$own" ]; then echo "check-deps: raft/ imports $$own"; exit 1; fi
	@echo "check-deps: raft/ uses the standard library only, without time, rand or sync"

clean:
	rm -rf bin
