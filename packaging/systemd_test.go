package packaging_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const unitFile = "systemd/feedsift.service"

// unitSettings returns the Key=Value lines of the unit, values by key in
// file order.
func unitSettings(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make(map[string][]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' || l[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s: line %q is not Key=Value", unitFile, l)
		}
		out[k] = append(out[k], v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUnitHardening checks the settings the README promises: a dynamic
// user with an owner-only state directory, no capabilities, a read-only
// system, and feedsift started with its config file.
func TestUnitHardening(t *testing.T) {
	s := unitSettings(t)
	for key, want := range map[string]string{
		"ExecStart":               "/usr/local/bin/feedsift run --config /etc/feedsift/feedsift.toml",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
		"DynamicUser":             "yes",
		"StateDirectory":          "feedsift",
		"StateDirectoryMode":      "0700",
		"UMask":                   "0077",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"MemoryDenyWriteExecute":  "yes",
		"KillSignal":              "SIGTERM",
	} {
		got, ok := s[key]
		if !ok || got[0] != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

// TestUnitVerify runs systemd's own checks on the unit, when systemd-analyze
// is installed: "verify" for syntax and "security --offline" for the
// exposure score, which must stay at or below 2.0 ("OK").
func TestUnitVerify(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skipf("systemd-analyze not installed: %v", err)
	}
	data, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	// verify checks that ExecStart exists; point it at a binary this
	// machine has.
	unit := filepath.Join(t.TempDir(), "feedsift.service")
	fixed := strings.Replace(string(data), "/usr/local/bin/feedsift run", "/bin/true run", 1)
	if err := os.WriteFile(unit, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(t.Context(), sa, "verify", unit).CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: err %v, output:\n%s", err, out)
	}
	out, err := exec.CommandContext(t.Context(), sa, "security", "--offline=yes", "--threshold=20", "--no-pager", unit).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: exposure above 2.0 or failure: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Overall exposure level") {
		t.Errorf("systemd-analyze security printed no exposure level:\n%s", out)
	}
}
