// Command tradepaykit is the kit's runner (DESIGN.md, "The runner"). With no arguments it runs
// the self-test: every feature and both contracts against the embedded wallet mock and
// reference merchant. verify-wallet and verify-merchant run the same scenarios against a
// vendor's wallet or a merchant's server; wallet-mock and reference-merchant run the kit's own
// parties as standalone processes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := interruptible(context.Background(), os.Stderr, os.Exit)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interruptible returns a context that SIGINT or SIGTERM cancels. The first signal asks for
// a graceful stop, which may wait for notifications or requests in flight; a second one
// exits at once, with status 128 + the signal's number, as a shell reports a killed process.
func interruptible(parent context.Context, stderr io.Writer, exit func(int)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			fmt.Fprintf(stderr, "tradepaykit: second signal (%v): exiting at once\n", sig)
			n := 1
			if s, ok := sig.(syscall.Signal); ok {
				n = int(s)
			}
			exit(128 + n)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
