package checker

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/faultline-sim/faultline/internal/prng"
	"github.com/stretchr/testify/require"
)

// genLinearizable draws a linearizable history: each client runs n/clients
// operations back to back on one of keys registers; every operation takes
// effect at a drawn point inside [Call, Return], and outputs follow the order
// of those points. Times are virtual ns.
func genLinearizable(seed uint64, n, clients, keys int) []Operation {
	r := prng.New(seed)
	type placed struct {
		op Operation
		at int64 // linearization point
	}
	all := make([]placed, 0, n)
	for c := range clients {
		t := r.Range(0, 1000)
		for range n / clients {
			call := t
			at := call + r.Range(1, 1000)
			ret := at + r.Range(1, 1000)
			op := Operation{Client: c, Key: fmt.Sprintf("k%d", r.IntN(keys)), Call: call, Return: ret, Status: StatusOK}
			switch r.IntN(4) {
			case 0, 1:
				op.Kind = "get"
			case 2:
				op.Kind, op.Value = "put", fmt.Sprintf("%d.%d", c, call)
			default:
				op.Kind, op.Value = "append", fmt.Sprintf("%d,", c)
			}
			all = append(all, placed{op, at})
			t = ret + r.Range(1, 500)
		}
	}
	slices.SortFunc(all, func(a, b placed) int { return int(a.at - b.at) })
	state := map[string]string{}
	ops := make([]Operation, len(all))
	for i, p := range all {
		switch p.op.Kind {
		case "get":
			v, found := state[p.op.Key]
			p.op.Output = Output{Value: Ptr(v), Found: Ptr(found)}
		case "put":
			state[p.op.Key] = p.op.Value
		default:
			state[p.op.Key] += p.op.Value
		}
		ops[i] = p.op
	}
	slices.SortFunc(ops, func(a, b Operation) int { return int(a.Call - b.Call) })
	return ops
}

// spoilLastRead makes the last get of the history read a value never written.
func spoilLastRead(ops []Operation) []Operation {
	out := slices.Clone(ops)
	for i := len(out) - 1; i >= 0; i-- {
		if out[i].Kind == "get" {
			out[i].Output = Output{Value: Ptr("never written"), Found: Ptr(true)}
			return out
		}
	}
	panic("no get to spoil")
}

func TestGeneratedHistories(t *testing.T) {
	ops := genLinearizable(1, 2000, 20, 20)
	require.Equal(t, Ok, CheckLinearizable(ops, time.Minute).Verdict)
	hist, _ := toPorcupine(ops)
	require.True(t, porcupine.CheckOperations(kvModel, hist))
	res := CheckLinearizable(spoilLastRead(ops), time.Minute)
	require.Equal(t, Illegal, res.Verdict)
	hist, _ = toPorcupine(spoilLastRead(ops))
	require.False(t, porcupine.CheckOperations(kvModel, hist))
}

// hashState must stay FNV-1a of version (little endian), exists, value.
func TestHashStateIsFNV(t *testing.T) {
	for _, st := range []keyState{{}, {value: "a", version: 3, exists: true}, {value: "x\x00y", version: 1 << 40}} {
		var b [9]byte
		binary.LittleEndian.PutUint64(b[:], st.version)
		if st.exists {
			b[8] = 1
		}
		h := fnv.New64a()
		h.Write(b[:])
		h.Write([]byte(st.value))
		require.Equal(t, h.Sum64(), hashState(st), "%+v", st)
	}
}

// BenchmarkLinearizable checks generated histories (legal, and with one read
// spoiled) with CheckLinearizable and, as the baseline on the same input,
// porcupine's own CheckOperations. ops/s: operations checked per wall second.
func BenchmarkLinearizable(b *testing.B) {
	for _, size := range []struct{ ops, clients, keys int }{
		{10_000, 10, 10}, {10_000, 50, 50}, {100_000, 10, 100}, {100_000, 50, 100},
	} {
		legal := genLinearizable(7, size.ops, size.clients, size.keys)
		for _, h := range []struct {
			name string
			ops  []Operation
			want Verdict
		}{{"legal", legal, Ok}, {"illegal", spoilLastRead(legal), Illegal}} {
			name := fmt.Sprintf("ops=%d/clients=%d/%s", size.ops, size.clients, h.name)
			b.Run(name+"/faultline", func(b *testing.B) {
				for b.Loop() {
					if got := CheckLinearizable(h.ops, time.Minute).Verdict; got != h.want {
						b.Fatalf("verdict %s, want %s", got, h.want)
					}
				}
				b.ReportMetric(float64(len(h.ops))*float64(b.N)/b.Elapsed().Seconds(), "ops/s")
			})
			hist, _ := toPorcupine(h.ops)
			b.Run(name+"/porcupine", func(b *testing.B) {
				for b.Loop() {
					if got := porcupine.CheckOperations(kvModel, hist); got != (h.want == Ok) {
						b.Fatalf("porcupine says linearizable=%t, want %s", got, h.want)
					}
				}
				b.ReportMetric(float64(len(h.ops))*float64(b.N)/b.Elapsed().Seconds(), "ops/s")
			})
		}
	}
}
