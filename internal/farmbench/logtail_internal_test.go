package farmbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daemon.log")
	var b strings.Builder
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	got := logTail(path, 3)
	if got != "line 48\nline 49\nline 50" {
		t.Errorf("logTail(3) = %q, want the last three lines", got)
	}
	if got := logTail(path, 100); !strings.HasPrefix(got, "line 1\n") || !strings.HasSuffix(got, "line 50") {
		t.Errorf("logTail(100) of 50 lines = %q, want all of them", got)
	}
	if got := logTail(filepath.Join(t.TempDir(), "absent"), 3); !strings.Contains(got, "unreadable") {
		t.Errorf("logTail of a missing file = %q, want it to say so", got)
	}
}
