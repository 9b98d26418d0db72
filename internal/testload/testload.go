// Package testload is the load mode of feedsift's guarantee tests: with
// FEEDSIFT_STRESS=1 a test package runs while a child process keeps every
// CPU oversubscribed, as on a shared machine at a load average of about
// ten. "Nothing lost, nothing published twice" must hold there too, and a
// test that passes only on an idle machine waits on a clock somewhere.
//
// A package opts in from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testload.Main(m)) }
//
// Main runs the package's tests, under load when FEEDSIFT_STRESS=1. A
// TestMain that does work of its own before the tests (building a binary)
// calls BurnIfChild first, so that the load's child does not do it too. The
// load is the test binary itself, started again with FEEDSIFT_TESTLOAD_BURN
// set: that child spins Factor goroutines per CPU (GOMAXPROCS raised to
// match, so the kernel sees that many runnable threads) and exits when its
// parent closes its stdin or dies. The package imports only the standard
// library and testing.
package testload

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// Environment variables of the load mode.
const (
	// StressEnv set to "1" runs the tests under load.
	StressEnv = "FEEDSIFT_STRESS"
	// burnEnv marks the child process that makes the load.
	burnEnv = "FEEDSIFT_TESTLOAD_BURN"
)

// Factor is how many spinning goroutines the load runs per CPU.
const Factor = 5

// Enabled reports whether this run is in load mode.
func Enabled() bool { return os.Getenv(StressEnv) == "1" }

// BurnIfChild never returns in the load's child process: there it burns
// CPU until its parent goes. Elsewhere it returns at once.
func BurnIfChild() {
	if os.Getenv(burnEnv) == "1" {
		burn()
	}
}

// Main runs m, under load when Enabled, and returns the exit code for
// os.Exit. It calls BurnIfChild first.
func Main(m *testing.M) int {
	BurnIfChild()
	if !Enabled() {
		return m.Run()
	}
	stop, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testload: start the load:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// Start starts the load as a child process running this executable and
// returns what stops it. The executable must call Main (or otherwise
// honour burnEnv) before anything else.
func Start() (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("testload: find the test binary: %w", err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), burnEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("testload: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("testload: start the burner: %w", err)
	}
	fmt.Fprintf(os.Stderr, "testload: load mode: %d spinning goroutines in process %d\n",
		Factor*runtime.NumCPU(), cmd.Process.Pid)
	return func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}, nil
}

// burn spins Factor goroutines per CPU until stdin closes (the parent
// stopped the load or died), then exits the process.
func burn() {
	n := Factor * runtime.NumCPU()
	runtime.GOMAXPROCS(n)
	for range n {
		go spin()
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

func spin() {
	x := uint64(1)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		if x == 0 { // never: keeps the loop from being optimised away
			runtime.Gosched()
		}
	}
}
