package extracteval

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Set names, as found in Page.Set and Result.Set.
const (
	SetWCXB = "wcxb-dev"
	SetTraf = "traf-eval"
)

// maxPageSize bounds one decompressed page, so that a broken or hostile
// file cannot exhaust memory.
const maxPageSize = 64 << 20

// Page is one page of an evaluation set.
type Page struct {
	// Set is SetWCXB or SetTraf; ID is the page's file id within it.
	Set, ID, URL string
	// HTML is the page as stored, gunzipped, in its original encoding.
	HTML []byte
	// With lists snippets that must appear in the main text, Without
	// boilerplate that must not.
	With, Without []string
	// Truth is WCXB's hand-marked main content; empty for traf-eval.
	Truth string
}

// Extractor returns the main text of a page. html is the page as stored
// (any encoding); pageURL is its address.
type Extractor func(html []byte, pageURL string) (string, error)

type wcxbTruth struct {
	URL         string `json:"url"`
	GroundTruth struct {
		MainContent string   `json:"main_content"`
		With        []string `json:"with"`
		Without     []string `json:"without"`
	} `json:"ground_truth"`
}

// LoadWCXB reads a WCXB split: dir/ground-truth/<id>.json and
// dir/html/<id>.html.gz. Pages come sorted by id. A ground-truth file
// without its page, or a file that does not parse, is an error.
func LoadWCXB(dir string) ([]Page, error) {
	names, err := filepath.Glob(filepath.Join(dir, "ground-truth", "*.json"))
	if err != nil {
		return nil, fmt.Errorf("extracteval: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no ground-truth/*.json under %s", ErrNoPages, dir)
	}
	sort.Strings(names)
	pages := make([]Page, 0, len(names))
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("extracteval: %w", err)
		}
		var gt wcxbTruth
		if err := json.Unmarshal(raw, &gt); err != nil {
			return nil, fmt.Errorf("extracteval: %s: %w", name, err)
		}
		id := strings.TrimSuffix(filepath.Base(name), ".json")
		body, err := readPage(filepath.Join(dir, "html", id+".html"))
		if err != nil {
			return nil, err
		}
		pages = append(pages, Page{
			Set: SetWCXB, ID: id, URL: gt.URL, HTML: body,
			With: gt.GroundTruth.With, Without: gt.GroundTruth.Without,
			Truth: gt.GroundTruth.MainContent,
		})
	}
	return pages, nil
}

type trafEntry struct {
	File    string   `json:"file"`
	With    []string `json:"with"`
	Without []string `json:"without"`
}

// LoadTraf reads trafilatura's evaluation set: dir/evaldata.json, which
// maps each URL to {file, with, without}, and dir/html/<file>.gz. Pages
// come sorted by file name.
func LoadTraf(dir string) ([]Page, error) {
	name := filepath.Join(dir, "evaldata.json")
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("extracteval: %w", err)
	}
	var m map[string]trafEntry
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("extracteval: %s: %w", name, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%w: %s lists none", ErrNoPages, name)
	}
	pages := make([]Page, 0, len(m))
	for u, e := range m {
		if e.File == "" || e.File != filepath.Base(e.File) {
			return nil, fmt.Errorf("extracteval: %s: %q: bad file name %q", name, u, e.File)
		}
		body, err := readPage(filepath.Join(dir, "html", e.File))
		if err != nil {
			return nil, err
		}
		pages = append(pages, Page{Set: SetTraf, ID: e.File, URL: u, HTML: body, With: e.With, Without: e.Without})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].ID < pages[j].ID })
	return pages, nil
}

// readPage reads path+".gz", gunzipped, or else path as it is.
func readPage(path string) ([]byte, error) {
	raw, err := os.ReadFile(path + ".gz")
	if errors.Is(err, fs.ErrNotExist) {
		raw, err = os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("extracteval: %w", err)
		}
		return raw, nil
	}
	if err != nil {
		return nil, fmt.Errorf("extracteval: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("extracteval: %s.gz: %w", path, err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, maxPageSize+1))
	if err != nil {
		return nil, fmt.Errorf("extracteval: %s.gz: %w", path, err)
	}
	if len(body) > maxPageSize {
		return nil, fmt.Errorf("extracteval: %s.gz: more than %d bytes", path, maxPageSize)
	}
	return body, nil
}
