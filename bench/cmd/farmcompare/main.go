// Command farmcompare runs the whole daemon against a loopback farm of
// news sites beside the raw baseline the issue names: fetch the feed,
// parse it with gofeed, fetch every item's page and extract it with
// go-trafilatura, 256 feeds at once, without politeness (see package
// internal/farmbench). It prints both and the ratios.
//
// Run it from the bench module:
//
//	cd bench && go run ./cmd/farmcompare [--farm 2000x20[,20000x2]] [--interval 1s] [--workers N] [--memory-limit-mib N] [--baseline go-trafilatura|feedsift] [--cpuprofile FILE [--cpuprofile-window 30s]] [--heapprofile FILE] [--farm-in-process] [--daemon-in-process]
//
// The daemon side is `feedsift run`, built from this checkout into a
// temporary directory, in a process of its own: this program links
// go-trafilatura for the baseline, whose package initialisation alone
// keeps tens of megabytes of compiled patterns on the heap, which a
// daemon sharing the process would be charged for.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
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
	size := flag.String("farm", "50x20", "farm size, SITESxITEMS; several, comma-separated, run one after another, each compared with the first")
	interval := flag.Duration("interval", time.Second, "the daemon's fetch.per_host_interval")
	workers := flag.Int("workers", 0, "the daemon's fetch.workers (0: the default)")
	memoryLimitMiB := flag.Int64("memory-limit-mib", 0, "the daemon's daemon.memory_limit in MiB (0: the default)")
	baseline := flag.String("baseline", "go-trafilatura", "the raw baseline's extractor: go-trafilatura or feedsift")
	daemonInProcess := flag.Bool("daemon-in-process", false, "run the daemon in this process, not as `feedsift run` in a process of its own")
	farmInProcess := flag.Bool("farm-in-process", false, "serve the farm from this process, not a child process (its CPU and memory are then measured too)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file: the daemon's process over --cpuprofile-window from its start, or, with --daemon-in-process, this whole process (baseline and daemon)")
	cpuProfileWindow := flag.Duration("cpuprofile-window", 30*time.Second, "how long --cpuprofile profiles the daemon's process, from its start")
	heapProfile := flag.String("heapprofile", "", "write the daemon's heap profile at its largest heap to this file")
	dataDir := flag.String("data", "", "keep the daemon's data (config, store, JetStream) in this directory (a subdirectory per farm when there are several), which must be empty or absent (default: a temporary directory, removed at the end)")
	flag.Parse()
	sizes, err := parseFarms(*size)
	if err != nil {
		return err
	}
	if *heapProfile != "" && len(sizes) > 1 {
		return fmt.Errorf("--heapprofile takes one farm, not %d", len(sizes))
	}
	opts := farmbench.Options{Interval: *interval, Workers: *workers, MemoryLimit: *memoryLimitMiB << 20, FarmProcess: !*farmInProcess}
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
	dataRoot := *dataDir
	if dataRoot == "" {
		dir, err := os.MkdirTemp("", "farmcompare-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dataRoot = dir
	}
	if *cpuProfile != "" && !*daemonInProcess && len(sizes) > 1 {
		return fmt.Errorf("--cpuprofile of the daemon's process takes one farm, not %d", len(sizes))
	}
	if !*daemonInProcess {
		binDir, err := os.MkdirTemp("", "farmcompare-bin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(binDir)
		if opts.DaemonBinary, err = buildFeedsift(binDir); err != nil {
			return err
		}
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
		if *daemonInProcess {
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		} else {
			opts.CPUProfile, opts.CPUProfileWindow = f, *cpuProfileWindow
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var reports []farmbench.Report
	for _, size := range sizes {
		opts.Sites, opts.Items = size[0], size[1]
		opts.DataDir = dataRoot
		if len(sizes) > 1 {
			opts.DataDir = filepath.Join(dataRoot, fmt.Sprintf("%dx%d", size[0], size[1]))
		}
		rep, err := farmbench.Run(ctx, opts)
		if err != nil {
			return err
		}
		if err := rep.Write(os.Stdout); err != nil {
			return err
		}
		reports = append(reports, rep)
	}
	for _, rep := range reports[1:] {
		first := reports[0]
		fmt.Printf("%dx%d / %dx%d: feedsift items/s %.2f, raw items/s %.2f\n",
			rep.Sites, rep.Items, first.Sites, first.Items,
			rep.Daemon.ItemsPerSec()/first.Daemon.ItemsPerSec(), rep.Raw.ItemsPerSec()/first.Raw.ItemsPerSec())
	}
	return nil
}

// parseFarms reads --farm: one or more SITESxITEMS sizes, comma-separated.
func parseFarms(list string) ([][2]int, error) {
	var sizes [][2]int
	for f := range strings.SplitSeq(list, ",") {
		s, i, ok := strings.Cut(strings.TrimSpace(f), "x")
		sites, err1 := strconv.Atoi(s)
		items, err2 := strconv.Atoi(i)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("--farm %q: want SITESxITEMS[,SITESxITEMS...], e.g. 2000x20,20000x2", list)
		}
		sizes = append(sizes, [2]int{sites, items})
	}
	return sizes, nil
}

// buildFeedsift builds cmd/feedsift of the module this one replaces
// (the checkout it sits in) into dir and returns the binary's path. It
// builds from this source file's directory, so a farmcompare binary run
// from elsewhere still builds its own checkout's daemon.
func buildFeedsift(dir string) (string, error) {
	bin := filepath.Join(dir, "feedsift")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/feedsift/feedsift/cmd/feedsift")
	if _, file, _, ok := runtime.Caller(0); ok {
		if _, err := os.Stat(file); err == nil {
			cmd.Dir = filepath.Dir(file)
		}
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build feedsift for the daemon's process: %w", err)
	}
	return bin, nil
}
