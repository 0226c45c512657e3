// Command vigil is the active-cyber-defence platform for health and social care:
// threat-intel import, IoC hunting and, in time, the sector server.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/vigil-health/vigil/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
