package packaging_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/testwait"
)

// lockedBuffer collects a child process's output for reading while it
// runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestUnitReload runs a real "feedsift run", then the unit's ExecReload
// command as systemd would (with $MAINPID set to the daemon's pid) after
// an edit of the config file: the daemon applies the new feed and keeps
// running, and SIGTERM (the unit's KillSignal) still stops it cleanly.
func TestUnitReload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the feedsift binary")
	}
	reload := unitSettings(t)["ExecReload"]
	if len(reload) != 1 {
		t.Fatalf("the unit has %d ExecReload lines, want 1", len(reload))
	}
	argv := strings.Fields(reload[0])
	if _, err := os.Stat(argv[0]); err != nil {
		t.Skipf("ExecReload's %s is not on this machine: %v", argv[0], err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build feedsift with: %v", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "feedsift")
	buildCtx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(buildCtx, goBin, "build", "-o", bin, "github.com/feedsift/feedsift/cmd/feedsift").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	config := func(feeds ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "data_dir = %q\n[http]\nlisten = \"127.0.0.1:0\"\n[nats]\nembedded_listen = \"127.0.0.1:0\"\n[poll]\ndrain_timeout = \"5s\"\n",
			filepath.Join(dir, "data"))
		for _, id := range feeds {
			fmt.Fprintf(&b, "[[feed]]\nid = %q\nurl = \"http://127.0.0.1:9/%s.xml\"\ntopic = \"local\"\n", id, id)
		}
		return b.String()
	}
	path := filepath.Join(dir, "feedsift.toml")
	if err := os.WriteFile(path, []byte(config("courier")), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd := exec.Command(bin, "run", "--config", path)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FEEDSIFT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{}) // closed when the process has ended; waitErr is then set
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill() // the test failed before it stopped feedsift
			<-exited
		}
	})
	waitLog := func(what string) {
		t.Helper()
		ended := false
		held := testwait.Poll(3*time.Minute, func() bool { // a failure bound on a loaded machine
			if strings.Contains(stderr.String(), what) {
				return true
			}
			select {
			case <-exited:
				ended = true
				return true
			default:
				return false
			}
		})
		switch {
		case ended:
			t.Fatalf("feedsift ended (%v) before logging %q:\n%s", waitErr, what, stderr.String())
		case !held:
			t.Fatalf("feedsift did not log %q within 3 min:\n%s", what, stderr.String())
		}
	}
	waitLog("feedsift ready")

	if err := os.WriteFile(path, []byte(config("courier", "digest")), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, a := range argv {
		argv[i] = strings.ReplaceAll(a, "$MAINPID", strconv.Itoa(cmd.Process.Pid))
	}
	if out, err := exec.CommandContext(t.Context(), argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("ExecReload %q: %v\n%s", argv, err, out)
	}
	waitLog("added=[digest]")
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("feedsift is gone after the reload: %v\n%s", err, stderr.String())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("feedsift after SIGTERM: %v\n%s", waitErr, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("feedsift did not stop within 3 min of SIGTERM:\n%s", stderr.String())
	}
}
