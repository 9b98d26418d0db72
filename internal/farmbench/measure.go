package farmbench

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// measure runs fn between two readings of the process's CPU time, and
// returns its wall time, CPU time, the process's resident memory at the
// start (after the heap freed by earlier runs is returned to the system:
// the farm and the test process) and its peak while fn ran (VmHWM, reset
// before; Linux only, 0 elsewhere).
func measure(fn func()) (wall, cpu time.Duration, base, peak int64) {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM
	base = statusBytes("VmRSS:")
	cpu0 := cpuTime()
	start := time.Now()
	fn()
	return time.Since(start), cpuTime() - cpu0, base, statusBytes("VmHWM:")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusBytes reads a size field (VmRSS:, VmHWM:) of /proc/self/status,
// in bytes; 0 elsewhere.
func statusBytes(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
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
