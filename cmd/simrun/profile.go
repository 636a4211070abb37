package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

// profileFlags are run's measuring flags: a CPU profile of the whole sweep,
// a heap profile at its end, and a memory line every N seeds. None of them
// reaches the simulation: traces and verdicts are the same with or without.
type profileFlags struct {
	cpuPath, memPath string
	memEvery         int // seeds between memory lines on stderr (0: none)
}

// maxMemEvery bounds -memstats.
const maxMemEvery = 100_000_000

func addProfileFlags(fs *flag.FlagSet) *profileFlags {
	p := &profileFlags{}
	fs.StringVar(&p.cpuPath, "cpuprofile", "", "write a CPU profile of the sweep to `FILE` (go tool pprof)")
	fs.StringVar(&p.memPath, "memprofile", "", "write a heap profile (after a GC) at the end of the sweep to `FILE`")
	fs.IntVar(&p.memEvery, "memstats", 0, "every `N` seeds, print heap in use after a GC and the resident set on stderr (0: never)")
	return p
}

func (p *profileFlags) validate() error {
	if p.memEvery < 0 || p.memEvery > maxMemEvery {
		return usagef("-memstats %d: want 0 (never) to %d seeds", p.memEvery, maxMemEvery)
	}
	return nil
}

// start begins the CPU profile; stop ends it and writes the heap profile.
func (p *profileFlags) start() (stop func() error, err error) {
	var cpu *os.File
	if p.cpuPath != "" {
		if cpu, err = os.Create(p.cpuPath); err != nil {
			return nil, usagef("-cpuprofile: %v", err)
		}
		if err = pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, usagef("-cpuprofile %q: %v", p.cpuPath, err)
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return fmt.Errorf("-cpuprofile: %w", err)
			}
		}
		if p.memPath == "" {
			return nil
		}
		f, err := os.Create(p.memPath)
		if err != nil {
			return fmt.Errorf("-memprofile: %w", err)
		}
		runtime.GC() // the profile shows what is live after the sweep
		if err := pprof.WriteHeapProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("-memprofile %q: %w", p.memPath, err)
		}
		return f.Close()
	}, nil
}

// memLine prints, after seeds seeds, the heap in use after a full GC and
// the resident set now and at its peak (VmRSS, VmHWM), in MiB.
func memLine(w io.Writer, seeds int) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, hwm := procStatusKiB("VmRSS:"), procStatusKiB("VmHWM:")
	fmt.Fprintf(w, "memstats: seeds=%d heap_inuse_mib=%.1f heap_sys_mib=%.1f heap_released_mib=%.1f rss_mib=%.1f peak_rss_mib=%.1f gc=%d %s\n",
		seeds, mib(ms.HeapInuse), mib(ms.HeapSys), mib(ms.HeapReleased), float64(rss)/1024, float64(hwm)/1024, ms.NumGC, gcSetting())
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// procStatusKiB reads one "Name:  N kB" field of /proc/self/status; -1 where
// there is none (not Linux).
func procStatusKiB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	i := bytes.Index(b, []byte(field))
	if i < 0 {
		return -1
	}
	rest := bytes.TrimLeft(b[i+len(field):], " \t")
	end := bytes.IndexAny(rest, " \n")
	if end < 0 {
		return -1
	}
	n, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	if err != nil {
		return -1
	}
	return n
}
