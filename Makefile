# Faultline. `make sim` runs a sweep of seeds; `make test` runs the tests.
GO        ?= go
SEEDS     ?= 1-300
FUZZTIME  ?= 1m
BENCHTIME ?= 1s
SEED      ?= 1
PROTOCOL  ?= raft
SHRINKBUDGET ?= 200
KERNEL    := ./internal/... ./clock/... ./simnet/... ./raft/... ./paxos/... ./kv/... ./replica/...
SIMRUN    := bin/simrun

.PHONY: all test sim fuzz bench lint vet check-deps replay build clean shrink-corpus mutate detection-table study-flapping study-partial study-stickiness

all: lint test

build:
	$(GO) build -o $(SIMRUN) ./cmd/simrun

## test: vet, the whole suite, then a -race pass over the kernel packages.
test: vet check-deps
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race $(KERNEL)

## sim: the main job, a sweep of seeds with a summary (SEEDS=A-B to widen).
sim: build
	$(SIMRUN) run -seeds $(SEEDS) -protocol $(PROTOCOL)

## study-flapping, study-partial, study-stickiness: a built-in study (simrun study),
## report in $(STUDYDIR)/NAME/report.html; FULL=1 for the full size, J=K workers.
STUDYDIR ?= study-out
J        ?= 2
study-flapping study-partial study-stickiness: build
	$(SIMRUN) study $(@:study-%=%) -out $(STUDYDIR)/$(@:study-%=%) -j $(J) $(if $(FULL),-full)

## fuzz: the native fuzz target over generated schedules (PROTOCOL=etcd for etcd-io/raft).
fuzz:
	$(GO) test ./sim -run '^$$' -fuzz=FuzzCluster -fuzztime=$(FUZZTIME) -fuzzminimizetime=10x -sim.protocol=$(PROTOCOL)

## shrink-corpus: shrink every regression entry and replay it from its artifact directory.
shrink-corpus:
	$(GO) test ./sim -run TestCorpusShrinks -sim.shrink-corpus=$(SHRINKBUDGET) -v -timeout 60m

## mutate: mutation testing of the cores and the adapters (MUTATE_PKGS, missing ones skipped) killed by the
## default seed sweep (MUTATE_SEEDS), MUTATE_BUDGET per mutant (0: three baseline sweeps and a minute); prints the kill rate and each
## survivor, writes bin/mutate-report.txt. MUTATE_FLAGS e.g. -files '^(confchange|election)' -sample 40,
## -shard 0/8, -rerun bin/mutate-report.txt (only its survivors, e.g. with MUTATE_SEEDS=1-1000).
MUTATE_PKGS   ?= raft,paxos,replica/raftr,replica/paxosr,replica/etcdraft
MUTATE_SEEDS  ?= 1-200
MUTATE_BUDGET ?= 0
MUTATE_FLAGS  ?=
MUTATE_REPORT ?= bin/mutate-report.txt
mutate:
	@mkdir -p $(dir $(MUTATE_REPORT))
	$(GO) run ./cmd/mutate -pkgs $(MUTATE_PKGS) -seeds $(MUTATE_SEEDS) -budget $(MUTATE_BUDGET) \
	  -equivalent testdata/mutate/equivalent.txt -o $(MUTATE_REPORT) $(MUTATE_FLAGS)

## detection-table: the first failing seed of each planted defect in five ranges of 200 seeds
## (the README's table; PROTOCOL=NAME for another catalogue, J=K workers).
detection-table: build
	SIMRUN=$(SIMRUN) PROTOCOL=$(PROTOCOL) J=$(J) scripts/detection-table

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

## check-deps: the cores (raft/, paxos/) import the standard library only, without
## time, rand or sync; replica/ (the contract) imports nothing of ours; sim/
## knows the contract, never a protocol.
CORES := $(wildcard raft paxos)
check-deps:
	@for core in $(CORES); do \
	  bad=$$($(GO) list -deps ./$$core/... | grep -E '^(time|math/rand|math/rand/v2|crypto/rand|sync)$$' || true); \
	  if [ -n "$$bad" ]; then echo "check-deps: $$core/ reaches $$bad"; exit 1; fi; \
	  own=$$($(GO) list -deps ./$$core/... | grep '^github.com/faultline-sim/faultline/' | grep -v "/$$core" || true); \
	  if [ -n "$$own" ]; then echo "check-deps: $$core/ imports $$own"; exit 1; fi; \
	done
	@own=$$($(GO) list -deps ./replica | grep '^github.com/faultline-sim/faultline/' | grep -v '/replica$$' || true); \
	if [ -n "$$own" ]; then echo "check-deps: replica/ imports $$own"; exit 1; fi
	@proto=$$($(GO) list -deps ./sim | grep -E '^github.com/faultline-sim/faultline/(raft|paxos|replica/.+)$$' || true); \
	if [ -n "$$proto" ]; then echo "check-deps: sim/ imports a protocol: $$proto"; exit 1; fi
	@echo "check-deps: $(CORES) use the standard library only, without time, rand or sync; replica/ imports nothing of ours; sim/ no protocol"

clean:
	rm -rf bin $(STUDYDIR)
