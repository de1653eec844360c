package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/tradepaykit/tradepaykit/pacts"
)

const versionHelp = `Prints the kit's version, the commit it was built from, the Go toolchain that built it
and how it verifies the Pact contracts.
`

// commit is the commit the binary was built from; the Makefile sets it with
// -ldflags "-X main.commit=...". Without it, the VCS revision Go recorded, if any.
var commit = ""

// buildFacts is what `tradepaykit version` prints.
type buildFacts struct {
	version, commit, goVersion, platform string
}

func readBuildFacts() buildFacts {
	f := buildFacts{version: version, commit: commit, goVersion: runtime.Version(), platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if f.version == "" && info.Main.Version != "" {
			f.version = info.Main.Version
		}
		if info.GoVersion != "" {
			f.goVersion = info.GoVersion
		}
		var dirty bool
		var rev string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if f.commit == "" && rev != "" {
			f.commit = rev
			if dirty {
				f.commit += " (with uncommitted changes)"
			}
		}
	}
	if f.version == "" {
		f.version = "(devel)"
	}
	if f.commit == "" {
		f.commit = "unknown (built without VCS information)"
	}
	return f
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", versionHelp, stderr)
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	f := readBuildFacts()
	verifier := "the Pact CLI, found on PATH or given by --pact-cli (no Pact library built in)"
	if pacts.LibraryLinked {
		verifier = "libpact_ffi, built in (or the Pact CLI given by --pact-cli)"
	}
	fmt.Fprintf(stdout, "tradepaykit %s\ncommit  %s\ngo      %s %s\npacts   %s\n", f.version, f.commit, f.goVersion, f.platform, verifier)
	return exitPass
}
