package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Exit codes (DESIGN.md, "The runner").
const (
	exitPass  = 0
	exitFail  = 1 // a scenario or a pact interaction failed: a conformance failure
	exitUsage = 2 // bad usage, or a target that cannot be reached or parties that cannot start
)

const usage = `usage: tradepaykit [command] [flags]

Commands:
  run                 (the default) the self-test, every scenario and both contracts against the
                      kit's own wallet mock and reference merchant, in this process
  verify-wallet       verify a wallet sandbox: the kit plays the merchant server and the payer
  verify-merchant     verify a merchant's test deployment: the kit plays the wallet and the
                      mini program
  wallet-mock         run the kit's wallet mock as a sandbox until interrupted
  reference-merchant  run the kit's reference merchant until interrupted
  pact-provider       serve the kit's signing front before a wallet or merchant, for any
                      standard Pact verifier (Pact CLI, pact-jvm, pact-js) to verify the
                      contracts with, until interrupted
  pact-publish        publish the kit's contracts to a Pact Broker (verify-wallet and
                      verify-merchant publish their results with --broker-url)
  version             the kit's version, commit and Go version
  help [command]      this text, or the flags of a command

Every run prints a line per scenario and a summary, and writes report.html, junit.xml and
cucumber.json to --report-dir (default ./reports).

Exit status: 0 conformant (known gaps listed in --expected-failures allowed), 1 a conformance
failure, 2 bad usage or a target that cannot be reached.
`

// command is one subcommand: its flags, a paragraph for its help, and what it does.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", selfTestHelp, runSelfTest},
		{"verify-wallet", verifyWalletHelp, runVerifyWallet},
		{"verify-merchant", verifyMerchantHelp, runVerifyMerchant},
		{"wallet-mock", walletMockHelp, runWalletMock},
		{"reference-merchant", referenceMerchantHelp, runReferenceMerchant},
		{"pact-provider", pactProviderHelp, runPactProvider},
		{"pact-publish", pactPublishHelp, runPactPublish},
		{"version", versionHelp, runVersion},
	}
}

// Run is the whole command: it parses args, runs, prints to stdout and stderr and returns
// the exit status. main only wires it to the process.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		if len(args) == 1 {
			for _, c := range commands() {
				if c.name == args[0] {
					return c.run(ctx, []string{"-h"}, stdout, stdout)
				}
			}
		}
		fmt.Fprint(stdout, usage)
		return exitPass
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "tradepaykit: unknown command %q\n\n%s", name, usage)
	return exitUsage
}

// newFlagSet returns a flag set whose help names the command and its purpose.
func newFlagSet(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		cmd := "tradepaykit " + name
		if name == "run" {
			cmd = "tradepaykit [run]"
		}
		fmt.Fprintf(fs.Output(), "usage: %s [flags]\n\n%s\nFlags:\n", cmd, help)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns the exit status to stop with, or -1 to go on.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		fmt.Fprintf(stderr, "\nsee: tradepaykit help %s\n", fs.Name())
		return exitUsage
	}
	if fs.NArg() > 0 {
		usageError(stderr, fs.Name(), fmt.Errorf("unexpected argument %q", fs.Arg(0)))
		return exitUsage
	}
	return -1
}

func usageError(stderr io.Writer, cmd string, err error) {
	fmt.Fprintf(stderr, "tradepaykit %s: %v\n\nusage: tradepaykit %s [flags]; see: tradepaykit help %s\n", cmd, err, cmd, cmd)
}

// checkTags refuses expressions godog's filter would crash on or silently misread: empty
// terms, terms that are not tags.
func checkTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, term := range strings.Split(and, ",") {
			t := strings.TrimPrefix(strings.TrimSpace(term), "~")
			if !strings.HasPrefix(t, "@") || len(t) < 2 || strings.ContainsAny(t, " ()!|") {
				return fmt.Errorf("term %q is not a tag such as @wallet or ~@clock", strings.TrimSpace(term))
			}
		}
	}
	return nil
}

// newSeed returns a positive random seed: godog reads 0 as "do not shuffle".
func newSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return time.Now().UnixNano()&(1<<62-1) | 1
	}
	return int64(binary.BigEndian.Uint64(b[:])>>2) | 1
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
