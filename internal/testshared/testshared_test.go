package testshared_test

import (
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/internal/testshared"
)

func TestDir(t *testing.T) {
	t.Setenv(testshared.EnvVar, "/data/elsewhere")
	if got := testshared.Dir(t); got != "/data/elsewhere" {
		t.Errorf("Dir with %s set = %q", testshared.EnvVar, got)
	}
	t.Setenv(testshared.EnvVar, "")
	want, err := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	if got := testshared.Dir(t); got != want {
		t.Errorf("Dir = %q, want %q (beside the repository root)", got, want)
	}
}
