package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/discover"
)

// runDiscover is "feedsift discover URL": the feeds a site offers.
func runDiscover(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("discover", "discover [--json] [--no-probe] [--timeout D] URL", stderr)
	asJSON := fs.Bool("json", false, "print a JSON array of {url, title, type, source}")
	noProbe := fs.Bool("no-probe", false, "do not try common feed paths when the page links none")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	allowPrivate := fs.Bool("allow-private", false, "allow loopback and private addresses (refused by default, as in the daemon)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: discover: want one site URL", ErrUsage)
	}
	opts := fetcher.Options{Retries: 1, PerHostInterval: 200 * time.Millisecond, Timeout: min(*timeout, 15*time.Second)}
	if *allowPrivate {
		opts.AllowNetworks = []netip.Prefix{
			netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0"),
		}
	}
	client, err := fetcher.New(opts)
	if err != nil {
		return fmt.Errorf("discover: %w", err)
	}
	dopts := discover.Options{Fetcher: client}
	if *noProbe {
		dopts.ProbePaths = []string{}
	}
	finder, err := discover.New(dopts)
	if err != nil {
		return fmt.Errorf("discover: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	feeds, err := finder.Find(ctx, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			URL    string `json:"url"`
			Title  string `json:"title,omitempty"`
			Type   string `json:"type"`
			Source string `json:"source"`
		}
		out := make([]row, len(feeds))
		for i, f := range feeds {
			out[i] = row{f.URL, f.Title, f.Type, f.Source}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tFOUND BY\tURL\tTITLE")
	for _, f := range feeds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Type, f.Source, f.URL, f.Title)
	}
	return tw.Flush()
}
