package farmbench

import (
	"bytes"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// usage is what measure read of one run.
type usage struct {
	wall, cpu time.Duration
	// baseRSS is the process's resident memory at the start (after the
	// heap freed by earlier runs is returned to the system: the farm and
	// the test process), and peakRSS its peak while the run lasted
	// (VmHWM, reset before; Linux only, 0 elsewhere).
	baseRSS, peakRSS int64
	// peakHeap is the largest Go heap in use (live and not yet swept
	// objects) seen by a sampler every sampleEvery, and fileRSS the
	// file-backed part of the resident memory (mapped files: bbolt) at
	// the largest resident sample.
	peakHeap, fileRSS int64
	// heapProfile is the heap profile taken when the heap in use was
	// largest, when measure was asked for one.
	heapProfile []byte
}

const sampleEvery = 100 * time.Millisecond

// measure runs fn between two readings of the process's CPU time and
// memory, sampling the Go heap and the resident memory while it runs; with
// profile set it also keeps the heap profile of the largest heap.
func measure(profile bool, fn func()) usage {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM
	u := usage{baseRSS: statusBytes("VmRSS:")}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { u.sample(profile, stop) })
	cpu0 := cpuTime()
	start := time.Now()
	fn()
	u.wall, u.cpu = time.Since(start), cpuTime()-cpu0
	close(stop)
	wg.Wait()
	u.peakRSS = statusBytes("VmHWM:")
	return u
}

// sample reads the heap in use and the resident memory every sampleEvery
// until stop is closed.
func (u *usage) sample(profile bool, stop <-chan struct{}) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var profiled, topRSS int64
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		metrics.Read(s)
		heap := int64(s[0].Value.Uint64())
		u.peakHeap = max(u.peakHeap, heap)
		if rss := statusBytes("VmRSS:"); rss > topRSS {
			topRSS, u.fileRSS = rss, statusBytes("RssFile:")
		}
		// A new profile only when the heap has grown a tenth past the
		// last one's, so profiling costs the run little.
		if profile && heap > profiled+profiled/10 {
			var b bytes.Buffer
			if pprof.Lookup("heap").WriteTo(&b, 0) == nil {
				u.heapProfile, profiled = b.Bytes(), heap
			}
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusBytes reads a size field (VmRSS:, VmHWM:, RssFile:) of
// /proc/self/status, in bytes; 0 elsewhere.
func statusBytes(field string) int64 { return statusFieldBytes("/proc/self/status", field) }

// statusFieldBytes reads a size field of a /proc/PID/status file, in
// bytes; 0 when there is none.
func statusFieldBytes(path, field string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
