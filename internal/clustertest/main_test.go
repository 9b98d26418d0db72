package clustertest_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// binary is the feedsift binary built once for the whole run.
var binary string

// Environment of the load mode. FEEDSIFT_STRESS=1 runs the tests while a
// child process (this test binary again, with burnEnv set) keeps every
// CPU busy with burnFactor spinning goroutines per CPU, about what a
// shared 2-core machine at a load average of 10 looks like. The child
// ends when the run ends, or when its parent dies (its stdin closes).
const (
	stressEnv  = "FEEDSIFT_STRESS"
	burnEnv    = "FEEDSIFT_CLUSTERTEST_BURN"
	burnFactor = 5
)

func TestMain(m *testing.M) {
	if os.Getenv(burnEnv) == "1" {
		burn()
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "feedsift-clustertest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "clustertest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "feedsift")
	cmd := exec.Command("go", "build", "-o", binary, "github.com/feedsift/feedsift/cmd/feedsift")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "clustertest: build feedsift:", err)
		return 1
	}
	if os.Getenv(stressEnv) == "1" {
		stop, err := startLoad()
		if err != nil {
			fmt.Fprintln(os.Stderr, "clustertest: start the load:", err)
			return 1
		}
		defer stop()
	}
	return m.Run()
}

// startLoad starts the CPU burner (see stressEnv) and returns what stops
// it.
func startLoad() (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), burnEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "clustertest: load mode: %d spinning goroutines in process %d\n",
		burnFactor*runtime.NumCPU(), cmd.Process.Pid)
	return func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}, nil
}

// burn spins burnFactor goroutines per CPU until stdin closes, then
// exits the process.
func burn() {
	runtime.GOMAXPROCS(burnFactor * runtime.NumCPU())
	for range burnFactor * runtime.NumCPU() {
		go func() {
			x := uint64(1)
			for {
				x = x*6364136223846793005 + 1442695040888963407
				if x == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
