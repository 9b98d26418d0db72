// Command farmcompare runs the whole daemon against a loopback farm of
// news sites beside the raw baseline the issue names: fetch the feed,
// parse it with gofeed, fetch every item's page and extract it with
// go-trafilatura, 256 feeds at once, without politeness (see package
// internal/farmbench). It prints both and the ratios.
//
// Run it from the bench module:
//
//	cd bench && go run ./cmd/farmcompare [--farm 2000x20] [--interval 1s] [--workers N] [--baseline go-trafilatura|feedsift] [--cpuprofile FILE] [--heapprofile FILE] [--farm-in-process]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/feedsift/feedsift/bench/compare"
	"github.com/feedsift/feedsift/internal/farmbench"
)

func main() {
	if farmbench.ServeChild() {
		return // this process was the farm's
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "farmcompare:", err)
		os.Exit(1)
	}
}

func run() error {
	size := flag.String("farm", "50x20", "farm size, SITESxITEMS")
	interval := flag.Duration("interval", time.Second, "the daemon's fetch.per_host_interval")
	workers := flag.Int("workers", 0, "the daemon's fetch.workers (0: the default)")
	baseline := flag.String("baseline", "go-trafilatura", "the raw baseline's extractor: go-trafilatura or feedsift")
	farmInProcess := flag.Bool("farm-in-process", false, "serve the farm from this process, not a child process (its CPU and memory are then measured too)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (baseline and daemon) to this file")
	heapProfile := flag.String("heapprofile", "", "write the daemon's heap profile at its largest heap to this file")
	dataDir := flag.String("data", "", "keep the daemon's data (config, store, JetStream) in this directory, which must be empty or absent (default: a temporary directory, removed at the end)")
	flag.Parse()
	s, i, ok := strings.Cut(*size, "x")
	sites, err1 := strconv.Atoi(s)
	items, err2 := strconv.Atoi(i)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("--farm %q: want SITESxITEMS, e.g. 2000x20", *size)
	}
	opts := farmbench.Options{Sites: sites, Items: items, Interval: *interval, Workers: *workers, FarmProcess: !*farmInProcess}
	switch *baseline {
	case "go-trafilatura":
		opts.ExtractName = "go-trafilatura"
		opts.Extract = func(page []byte, url, _ string) error {
			_, err := compare.Trafilatura(page, url)
			return err
		}
	case "feedsift":
	default:
		return fmt.Errorf("--baseline %q: want go-trafilatura or feedsift", *baseline)
	}
	opts.DataDir = *dataDir
	if opts.DataDir == "" {
		dir, err := os.MkdirTemp("", "farmcompare-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opts.DataDir = dir
	}
	if *heapProfile != "" {
		f, err := os.Create(*heapProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		opts.HeapProfile = f
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := farmbench.Run(ctx, opts)
	if err != nil {
		return err
	}
	return rep.Write(os.Stdout)
}
