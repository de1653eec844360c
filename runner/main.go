// Command tradepaykit is the kit's runner (DESIGN.md, "The runner"). With no arguments it runs
// the self-test: every feature against the embedded wallet mock and reference merchant.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
