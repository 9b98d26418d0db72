package sink_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// crashChildEnv names the store file of TestCrashWriter's child process.
const crashChildEnv = "FEEDSIFT_SINK_CRASH_STORE"

// TestCrashConsistency SIGKILLs a process that writes stories and index
// snapshots to a store as fast as it can, at a random moment, eight times
// over the same file. After each kill the file must open and pass bbolt's
// consistency check, every story the writer reported stored must be
// there, the stored sequence must cover them with no gap, and the index
// snapshot must be whole (its checksum holds) and cover no more than the
// stored sequence: a crash during a write or a snapshot save leaves the
// last committed state, never a torn one.
func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills writer processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(1, 2))
	var acked uint64
	for round := range 8 {
		// Kill after 5 to 60 more acknowledged writes; in odd rounds at the
		// start of the next snapshot save after that, so that some kills
		// land inside one.
		killAt := acked + 5 + rng.Uint64N(56)
		acked = runWriterUntil(t, path, killAt, round%2 == 1)
		last, snap := checkAfterCrash(t, path, acked)
		t.Logf("round %d: killed after %d acknowledged writes; store at sequence %d, index snapshot at %d", round, acked, last, snap)
		acked = last
	}
}

// runWriterUntil starts the writer on path, SIGKILLs it once it has
// acknowledged sequence killAt (with inSave, once it then starts a
// snapshot save), and returns the last sequence it acknowledged.
func runWriterUntil(t *testing.T, path string, killAt uint64, inSave bool) uint64 {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^TestCrashWriter$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked uint64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "saving ") && inSave && acked >= killAt {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			break
		}
		seq, ok := strings.CutPrefix(sc.Text(), "stored ")
		if !ok {
			continue
		}
		if acked, err = strconv.ParseUint(seq, 10, 64); err != nil {
			t.Fatalf("writer said %q", sc.Text())
		}
		if acked >= killAt && !inSave {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	// The writer may have acknowledged more before the signal landed.
	for sc.Scan() {
		if seq, ok := strings.CutPrefix(sc.Text(), "stored "); ok {
			acked, _ = strconv.ParseUint(seq, 10, 64)
		}
	}
	_ = cmd.Wait()
	if acked < killAt {
		t.Fatalf("writer ended at sequence %d before the kill at %d", acked, killAt)
	}
	return acked
}

// checkAfterCrash opens the store left by a killed writer and checks it
// (see TestCrashConsistency); it returns the stored sequence and the one
// the index snapshot covers.
func checkAfterCrash(t *testing.T, path string, acked uint64) (last, snapSeq uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("bbolt opens the file after the crash: %v", err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	_ = db.Close()
	if err != nil {
		t.Fatalf("bbolt consistency check after the crash: %v", err)
	}

	s, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatalf("store opens after the crash: %v", err)
	}
	defer s.Close()
	last, err = s.LastSeq()
	if err != nil {
		t.Fatal(err)
	}
	if last < acked {
		t.Fatalf("store at sequence %d, but the writer had acknowledged %d: an accepted write was lost", last, acked)
	}
	for seq := uint64(1); seq <= last; seq++ {
		if _, ok, err := s.Story(t.Context(), crashStoryID(seq)); err != nil || !ok {
			t.Fatalf("story %d of %d: found %v, error %v", seq, last, ok, err)
		}
	}
	data, snapSeq, err := s.LoadIndexSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if data != nil {
		if err := checkSnapshot(data, snapSeq); err != nil {
			t.Fatalf("index snapshot after the crash: %v", err)
		}
		if snapSeq > last {
			t.Fatalf("snapshot covers sequence %d, the store only %d", snapSeq, last)
		}
	}
	return last, snapSeq
}

// TestCrashWriter is TestCrashConsistency's child process: it writes to
// the store named by crashChildEnv until it is killed, printing
// "saving N" before each snapshot save and "stored N" after each story
// write returns. It skips when run on its own.
func TestCrashWriter(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("the writer process of TestCrashConsistency")
	}
	s, err := sink.OpenStore(path, sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	last, err := s.LastSeq()
	if err != nil {
		t.Fatal(err)
	}
	for seq := last + 1; ; seq++ {
		if seq%4 == 0 {
			// A snapshot of 64 KiB to 1 MiB, so that a kill can land
			// inside its write.
			fmt.Printf("saving %d\n", seq)
			if err := s.SaveIndexSnapshot(crashSnapshot(seq, 64<<10+int(seq*7919%(960<<10))), seq-1); err != nil {
				t.Fatal(err)
			}
		}
		st := story.Story{ID: crashStoryID(seq), Topic: "world", URL: "https://crash.example/" + strconv.FormatUint(seq, 10),
			Title: "story " + strconv.FormatUint(seq, 10), Text: strings.Repeat("text ", 200), Fetched: time.Unix(int64(seq), 0).UTC()}
		if err := s.PutEvent(sink.Event{Seq: seq, Story: &st}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("stored %d\n", seq)
	}
}

func crashStoryID(seq uint64) string { return "crash-" + strconv.FormatUint(seq, 10) }

// crashSnapshot is a snapshot body of n bytes for sequence seq: the
// sequence, then filler, then the SHA-256 of both.
func crashSnapshot(seq uint64, n int) []byte {
	b := make([]byte, n)
	binary.BigEndian.PutUint64(b, seq)
	for i := 8; i < n-sha256.Size; i++ {
		b[i] = byte(uint64(i) * seq)
	}
	sum := sha256.Sum256(b[:n-sha256.Size])
	copy(b[n-sha256.Size:], sum[:])
	return b
}

// checkSnapshot checks a body made by crashSnapshot against the sequence
// it was saved with (the writer saves seq-1 beside a body made for seq).
func checkSnapshot(b []byte, savedSeq uint64) error {
	if len(b) < 8+sha256.Size {
		return fmt.Errorf("%d bytes: cut short", len(b))
	}
	sum := sha256.Sum256(b[:len(b)-sha256.Size])
	if !bytes.Equal(sum[:], b[len(b)-sha256.Size:]) {
		return fmt.Errorf("%d bytes: checksum does not hold (torn write)", len(b))
	}
	if seq := binary.BigEndian.Uint64(b); seq != savedSeq+1 {
		return fmt.Errorf("body made for sequence %d saved as covering %d: data and sequence from different saves", seq, savedSeq)
	}
	return nil
}
