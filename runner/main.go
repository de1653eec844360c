// Command tradepaykit is the kit's runner (DESIGN.md, "The runner"). With no arguments it runs
// the self-test: every feature and both contracts against the embedded wallet mock and
// reference merchant. verify-wallet and verify-merchant run the same scenarios against a
// vendor's wallet or a merchant's server; wallet-mock and reference-merchant run the kit's own
// parties as standalone processes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
