package testload_test

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/testload"
	"github.com/feedsift/feedsift/internal/testwait"
)

func TestMain(m *testing.M) { os.Exit(testload.Main(m)) }

// TestStartStop starts the load, sees the child burn CPU, and sees it gone
// after stop.
func TestStartStop(t *testing.T) {
	if testload.Enabled() {
		t.Skip("already in load mode: a second burner would only add noise")
	}
	stop, err := testload.Start()
	if err != nil {
		t.Fatal(err)
	}
	pid := burnerPID(t)
	if pid == 0 {
		stop()
		t.Fatal("no burner child process found")
	}
	start := cpuTicks(t, pid)
	testwait.Until(t, "the burner uses CPU", time.Minute, func() bool { return cpuTicks(t, pid) > start+10 })
	stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("burner %d still runs after stop", pid)
	}
}

// burnerPID finds this process's child by /proc (Linux only).
func burnerPID(t *testing.T) int {
	t.Helper()
	self := os.Getpid()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if stat := procStat(pid); len(stat) > 2 && stat[1] == strconv.Itoa(self) {
			return pid
		}
	}
	return 0
}

// procStat returns the fields of /proc/PID/stat after the command name,
// from the state on: [state, ppid, ...].
func procStat(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	return strings.Fields(s)
}

// cpuTicks is utime+stime of pid in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	f := procStat(pid)
	if len(f) < 13 {
		t.Fatalf("process %d: no stat", pid)
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}
