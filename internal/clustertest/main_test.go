package clustertest_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/internal/testload"
)

// binary is the feedsift binary built once for the whole run.
var binary string

// TestMain builds feedsift once and runs the tests, under load with
// FEEDSIFT_STRESS=1 (see package testload).
func TestMain(m *testing.M) {
	testload.BurnIfChild()
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
	return testload.Main(m)
}
