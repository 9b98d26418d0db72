package extract

import (
	"os"
	"path/filepath"
	"testing"
)

// testdataFiles returns the contents of the files under testdata whose
// names end in suffix: those at its top level and those two levels down
// (testdata/regress/block/*), the test pages and goldens every rule is
// written against.
func testdataFiles(tb testing.TB, suffix string) []string {
	tb.Helper()
	top, err := filepath.Glob(filepath.Join("testdata", "*"+suffix))
	if err != nil {
		tb.Fatal(err)
	}
	deep, err := filepath.Glob(filepath.Join("testdata", "*", "*", "*"+suffix))
	if err != nil {
		tb.Fatal(err)
	}
	var files []string
	for _, name := range append(top, deep...) {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, string(b))
	}
	return files
}
