// Command feedsift turns news feeds into clean, deduplicated stories
// published on NATS. Run "feedsift help" for its commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/feedsift/feedsift/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "feedsift:", err)
		os.Exit(cli.ExitCode(err))
	}
}
