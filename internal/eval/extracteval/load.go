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

// Set names, as found in Page.Set and Result.Set; each is also the name
// of the set's directory in the extraction corpus.
const (
	SetWCXB        = "wcxb-dev"
	SetWCXBOther   = "wcxb-dev-other"
	SetTraf        = "traf-eval"
	SetReadability = "readability"
)

// TypeArticle is the page type of every WCXB-dev page (LoadWCXB); the
// pages of wcxb-dev-other carry the type page-types.tsv gives them.
const TypeArticle = "article"

// maxPageSize bounds one decompressed page, so that a broken or hostile
// file cannot exhaust memory.
const maxPageSize = 64 << 20

// Page is one page of an evaluation set.
type Page struct {
	// Set is the set's name (SetWCXB, ...); ID is the page's id within it
	// (a file id, or a directory name for the readability pages). URL is
	// the page's address, "" when the set gives none.
	Set, ID, URL string
	// Half is HalfTune or HalfCheck: Half(URL), or HalfOf(ID) for a set
	// without URLs.
	Half string
	// Type is the page type for the WCXB sets (TypeArticle, or forum,
	// service, listing, product, collection, documentation for
	// wcxb-dev-other), "" for the others.
	Type string
	// HTML is the page as stored, gunzipped, in its original encoding.
	HTML []byte
	// With lists snippets that must appear in the main text, Without
	// boilerplate that must not.
	With, Without []string
	// Truth is the main text the output is scored against: WCXB's
	// hand-marked main content, or the text of Readability's expected
	// output (HTMLText); empty for traf-eval, which has only segments.
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

// LoadWCXB reads WCXB-dev's article pages: dir/ground-truth/<id>.json and
// dir/html/<id>.html.gz. Pages come sorted by id, with Type TypeArticle.
// A ground-truth file without its page, or a file that does not parse, is
// an error.
func LoadWCXB(dir string) ([]Page, error) {
	return loadWCXB(dir, SetWCXB, func(string) (string, bool) { return TypeArticle, true })
}

// LoadWCXBOther reads the pages of WCXB-dev that are not articles: the
// layout of LoadWCXB plus dir/page-types.tsv, a tab-separated file with a
// header line naming at least the columns id and page_type, which gives
// each page's Type. A page the file does not list is an error.
func LoadWCXBOther(dir string) ([]Page, error) {
	types, err := readPageTypes(filepath.Join(dir, "page-types.tsv"))
	if err != nil {
		return nil, err
	}
	return loadWCXB(dir, SetWCXBOther, func(id string) (string, bool) {
		t, ok := types[id]
		return t, ok
	})
}

func loadWCXB(dir, set string, typeOf func(id string) (string, bool)) ([]Page, error) {
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
		typ, ok := typeOf(id)
		if !ok {
			return nil, fmt.Errorf("extracteval: %s: page %s has no page type", dir, id)
		}
		body, err := readPage(filepath.Join(dir, "html", id+".html"))
		if err != nil {
			return nil, err
		}
		pages = append(pages, Page{
			Set: set, ID: id, URL: gt.URL, Half: Half(gt.URL), Type: typ, HTML: body,
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
		pages = append(pages, Page{Set: SetTraf, ID: e.File, URL: u, Half: Half(u), HTML: body, With: e.With, Without: e.Without})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].ID < pages[j].ID })
	return pages, nil
}

// SetNames lists the sets Load knows, in the order "feedsift eval
// extract" reports them.
func SetNames() []string {
	return []string{SetWCXB, SetWCXBOther, SetTraf, SetReadability}
}

// Load reads the set named set (one of SetNames) from dir, its directory
// in the extraction corpus, with the set's loader.
func Load(set, dir string) ([]Page, error) {
	switch set {
	case SetWCXB:
		return LoadWCXB(dir)
	case SetWCXBOther:
		return LoadWCXBOther(dir)
	case SetTraf:
		return LoadTraf(dir)
	case SetReadability:
		return LoadReadability(dir)
	}
	return nil, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownSet, set, strings.Join(SetNames(), ", "))
}

// readPageTypes reads page-types.tsv: id -> page_type.
func readPageTypes(name string) (map[string]string, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("extracteval: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\r\n"), "\n")
	idCol, typeCol := -1, -1
	for i, h := range strings.Split(strings.TrimRight(lines[0], "\r"), "\t") {
		switch strings.TrimSpace(h) {
		case "id":
			idCol = i
		case "page_type":
			typeCol = i
		}
	}
	if idCol < 0 || typeCol < 0 {
		return nil, fmt.Errorf("extracteval: %s: want a header line with the columns id and page_type", name)
	}
	types := make(map[string]string, len(lines)-1)
	for n, line := range lines[1:] {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) <= max(idCol, typeCol) || f[idCol] == "" || f[typeCol] == "" {
			return nil, fmt.Errorf("extracteval: %s:%d: want an id and a page_type", name, n+2)
		}
		types[f[idCol]] = f[typeCol]
	}
	return types, nil
}

// LoadReadability reads Mozilla Readability's test pages:
// dir/pages/<name>/source.html.gz, the page, and expected.html.gz,
// Readability.js's output for it (either file may also be stored
// uncompressed). Truth is the text of the expected output (HTMLText);
// With and Without are empty. The pages have no URL: ID is the directory
// name, and Half is HalfOf(ID). Pages come sorted by name; a directory
// without both files is an error.
func LoadReadability(dir string) ([]Page, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "pages"))
	if err != nil {
		return nil, fmt.Errorf("extracteval: %w", err)
	}
	var pages []Page
	for _, e := range entries { // os.ReadDir sorts by name
		if !e.IsDir() {
			continue
		}
		d := filepath.Join(dir, "pages", e.Name())
		body, err := readPage(filepath.Join(d, "source.html"))
		if err != nil {
			return nil, err
		}
		want, err := readPage(filepath.Join(d, "expected.html"))
		if err != nil {
			return nil, err
		}
		pages = append(pages, Page{Set: SetReadability, ID: e.Name(), Half: HalfOf(e.Name()), HTML: body, Truth: HTMLText(want)})
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: no pages/*/ under %s", ErrNoPages, dir)
	}
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
