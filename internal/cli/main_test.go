package cli_test

import (
	"os"
	"testing"

	"github.com/feedsift/feedsift/internal/testload"
)

// TestMain runs the package's tests, the end-to-end test among them, under
// load with FEEDSIFT_STRESS=1 (see package testload).
func TestMain(m *testing.M) { os.Exit(testload.Main(m)) }
