package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"time"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/charset"
)

// extractReadLimit bounds what is read of one input (after gunzip): a
// little more than extract accepts, so that an oversized page is reported
// as too large rather than read without end.
const extractReadLimit = 2*extract.MaxInputSize + 1

// extracted is one page's result as the json and jsonl formats print it.
type extracted struct {
	File      string `json:"file"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Author    string `json:"author"`
	Published string `json:"published"` // RFC 3339, empty when unknown
	Lang      string `json:"lang"`
	Text      string `json:"text"`
}

// runExtract is "feedsift extract": the main text of saved pages. The
// command line has no stdin parameter, so "-" reads the process's stdin.
func runExtract(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("extract", "extract [--url URL] [--format text|json|jsonl] FILE...  (- for stdin; .gz read transparently)", stderr)
	pageURL := fs.String("url", "", "the pages' address, for resolving links and host-specific hints")
	format := fs.String("format", "text", "output: text (paragraphs separated by blank lines), json (an array) or jsonl (one object a line)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case "text", "json", "jsonl":
	default:
		return fmt.Errorf("%w: --format %q: want text, json or jsonl", ErrUsage, *format)
	}
	if len(files) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: extract: no file given (use - for stdin)", ErrUsage)
	}
	var all []extracted
	failed, printed := 0, 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, name := range files {
		a, err := extractFile(name, os.Stdin, *pageURL)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "feedsift extract: %s: %v\n", displayName(name), err)
			continue
		}
		e := extracted{File: name, URL: *pageURL, Title: a.Title, Author: a.Author, Lang: a.Lang, Text: a.Text()}
		if !a.Published.IsZero() {
			e.Published = a.Published.Format(time.RFC3339)
		}
		switch *format {
		case "text":
			if len(files) > 1 {
				if printed > 0 {
					fmt.Fprintln(stdout)
				}
				fmt.Fprintf(stdout, "==> %s <==\n", displayName(name))
			}
			fmt.Fprintln(stdout, e.Text)
			printed++
		case "jsonl":
			if err := enc.Encode(e); err != nil {
				return fmt.Errorf("extract: %w", err)
			}
		case "json":
			all = append(all, e)
		}
	}
	if *format == "json" {
		if all == nil {
			all = []extracted{}
		}
		out, err := json.MarshalIndent(all, "", "  ")
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		fmt.Fprintf(stdout, "%s\n", out)
	}
	if failed > 0 {
		return fmt.Errorf("extract: %d of %d files failed", failed, len(files))
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// extractFile reads name ("-": stdin), gunzips it when it is gzip data,
// converts it to UTF-8 and extracts its main text.
func extractFile(name string, stdin io.Reader, pageURL string) (*extract.Article, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			var pe *iofs.PathError
			if errors.As(err, &pe) {
				return nil, pe.Err // the caller names the file
			}
			return nil, err
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, extractReadLimit))
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, extractReadLimit))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
	}
	if len(raw) >= extractReadLimit {
		return nil, fmt.Errorf("%w: more than %d bytes", extract.ErrTooLarge, extractReadLimit-1)
	}
	body, _, err := charset.ToUTF8(raw, "")
	if err != nil {
		return nil, err
	}
	a, err := extract.Extract(body, extract.Options{URL: pageURL})
	if err != nil {
		return nil, err
	}
	return a, nil
}
