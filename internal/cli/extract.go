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
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/fetcher"
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
	// PageType, Confidence and Block are the extractor's view of the page
	// (see package extract).
	PageType   string  `json:"page_type"`
	Confidence float64 `json:"confidence"`
	Block      string  `json:"block"`
}

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ", ") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// runExtract is "feedsift extract": the main text of saved pages. The
// command line has no stdin parameter, so "-" reads the process's stdin.
func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("extract", "extract [--url URL] [--selector CSS [--exclude CSS]...] [--format text|json|jsonl] FILE...  (- for stdin; .gz read transparently; no FILE with --url fetches URL)", stderr)
	pageURL := fs.String("url", "", "the pages' address, for resolving links and host-specific hints; fetched when no FILE is given")
	format := fs.String("format", "text", "output: text (paragraphs separated by blank lines), json (an array) or jsonl (one object a line)")
	selector := fs.String("selector", "", "CSS selector of the main text, as a feed's selector option (preview it)")
	var exclude stringsFlag
	fs.Var(&exclude, "exclude", "CSS selector of elements removed first, as a feed's exclude option; repeatable")
	allowPrivate := fs.Bool("allow-private", false, "allow fetching loopback and private addresses (refused by default, as in the daemon)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case "text", "json", "jsonl":
	default:
		return fmt.Errorf("%w: --format %q: want text, json or jsonl", ErrUsage, *format)
	}
	for _, s := range append([]string{*selector}, exclude...) {
		if s == "" {
			continue
		}
		if err := extract.CheckSelector(s); err != nil {
			return fmt.Errorf("%w: extract: %w", ErrUsage, err)
		}
	}
	opts := extract.Options{URL: *pageURL, Selector: *selector, Exclude: exclude}
	if len(files) == 0 && *pageURL != "" {
		return extractURL(ctx, opts, *format, *allowPrivate, stdout, stderr)
	}
	if len(files) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: extract: no file given (use - for stdin, or --url alone to fetch the page)", ErrUsage)
	}
	var all []extracted
	failed, printed := 0, 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, name := range files {
		a, err := extractFile(name, os.Stdin, opts)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "feedsift extract: %s: %v\n", displayName(name), err)
			continue
		}
		warnSelector(stderr, displayName(name), opts, a)
		e := newExtracted(name, *pageURL, a)
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

func newExtracted(file, pageURL string, a *extract.Article) extracted {
	e := extracted{File: file, URL: pageURL, Title: a.Title, Author: a.Author, Lang: a.Lang, Text: a.Text(),
		PageType: a.PageType, Confidence: a.Confidence, Block: a.Block}
	if !a.Published.IsZero() {
		e.Published = a.Published.Format(time.RFC3339)
	}
	return e
}

// warnSelector says on stderr that the selector matched nothing and the
// text shown is the automatic extraction's, as the daemon would log.
func warnSelector(stderr io.Writer, name string, opts extract.Options, a *extract.Article) {
	if opts.Selector != "" && a.Block != extract.BlockSelector {
		fmt.Fprintf(stderr, "feedsift extract: %s: --selector %q matches nothing; automatic extraction shown\n", name, opts.Selector)
	}
}

// extractURL fetches opts.URL with the daemon's fetcher (its address
// guards, size limit and redirect rules) and prints its main text.
func extractURL(ctx context.Context, opts extract.Options, format string, allowPrivate bool, stdout, stderr io.Writer) error {
	fopts := fetcher.Options{Retries: 1, Timeout: 15 * time.Second}
	if allowPrivate {
		fopts.AllowNetworks = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}
	}
	client, err := fetcher.New(fopts)
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	resp, err := client.Fetch(ctx, fetcher.Request{URL: opts.URL, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"})
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	body, _, err := charset.ToUTF8(resp.Body, resp.ContentType)
	if err != nil {
		return fmt.Errorf("extract: %s: %w", opts.URL, err)
	}
	if resp.URL != "" {
		opts.URL = resp.URL
	}
	a, err := extract.Extract(body, opts)
	if err != nil {
		return fmt.Errorf("extract: %s: %w", opts.URL, err)
	}
	warnSelector(stderr, opts.URL, opts, a)
	e := newExtracted("", opts.URL, a)
	switch format {
	case "text":
		_, err = fmt.Fprintln(stdout, e.Text)
	case "jsonl":
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		err = enc.Encode(e)
	default:
		var out []byte
		if out, err = json.MarshalIndent([]extracted{e}, "", "  "); err == nil {
			_, err = fmt.Fprintf(stdout, "%s\n", out)
		}
	}
	if err != nil {
		return fmt.Errorf("extract: %w", err)
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
func extractFile(name string, stdin io.Reader, opts extract.Options) (*extract.Article, error) {
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
	a, err := extract.Extract(body, opts)
	if err != nil {
		return nil, err
	}
	return a, nil
}
