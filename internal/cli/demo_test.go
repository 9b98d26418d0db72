package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestDemo runs "feedsift demo --once" as a user would: the whole daemon
// against the built-in feed farm, on the embedded server.
func TestDemo(t *testing.T) {
	t.Parallel()
	r := run(t, "demo", "--once", "--data", t.TempDir())
	if r.err != nil {
		t.Fatalf("demo --once: %v\nstdout:\n%s\nstderr:\n%s", r.err, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"round 0: polling; expecting 5 stories",
		"round 1: a copy and a retitled repost appear; expecting 6 stories, 2 duplicates",
		"\n6 stories\n",
		"2 stories with 2 merged copies\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The table lists one line per story between its header and the count.
	table := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d  `).FindAllString(r.stdout, -1)
	if len(table) != 6 {
		t.Errorf("story table has %d rows, want 6:\n%s", len(table), r.stdout)
	}
	if merged := strings.Count(r.stdout, "    merged: "); merged != 2 {
		t.Errorf("report lists %d merged copies, want 2:\n%s", merged, r.stdout)
	}
	// With --once the daemon is gone when the command returns: no hints
	// pointing at it.
	if strings.Contains(r.stdout, "Ctrl-C") || strings.Contains(r.stdout, "curl http://") {
		t.Errorf("demo --once points at a daemon it has stopped:\n%s", r.stdout)
	}
}
