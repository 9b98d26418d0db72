package farmbench

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// measure runs fn between two readings of the process's CPU time, and
// returns its wall time, CPU time and the process's peak resident memory
// while it ran (VmHWM, reset before; Linux only, 0 elsewhere).
func measure(fn func()) (wall, cpu time.Duration, peak int64) {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM
	cpu0 := cpuTime()
	start := time.Now()
	fn()
	return time.Since(start), cpuTime() - cpu0, peakRSS()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS reads VmHWM from /proc/self/status, in bytes; 0 elsewhere.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
