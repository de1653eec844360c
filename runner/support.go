package main

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/fixtures/profiles"
	"github.com/tradepaykit/tradepaykit/internal/preflight"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// version is the kit's version; the Makefile sets it with -ldflags "-X main.version=...".
var version = ""

// kitVersion is version, or what the Go toolchain recorded: module version and VCS revision.
func kitVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev + modified
	}
	return v
}

// keyFlags are PEM file flags: empty means the kit's test key of that name.
func loadPrivateKey(flagName, path, fixture string) (*rsa.PrivateKey, string, error) {
	if path == "" {
		return fixtures.PrivateKey(fixture), "the kit's test key fixtures/keys/" + fixture, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", flagName, err)
	}
	k, err := signing.ParsePrivateKey(b)
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: %w", flagName, path, err)
	}
	return k, path, nil
}

func loadPublicKey(flagName, path, fixture string) (*rsa.PublicKey, string, error) {
	if path == "" {
		return fixtures.PublicKey(fixture), "the kit's test key fixtures/keys/" + fixture, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", flagName, err)
	}
	k, err := signing.ParsePublicKey(b)
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: %w", flagName, path, err)
	}
	return k, path, nil
}

// loadProfile reads --profile: a file, or "kit:NAME" for a profile embedded in the kit
// (kit:wallet-mock, kit:wallet-bare, kit:reference-merchant, kit:wallet-sample, kit:merchant-sample). Empty
// means the defaults. side is the side the command verifies.
func loadProfile(value, side string) (profile.Profile, string, error) {
	var p profile.Profile
	var err error
	name := value
	switch {
	case value == "":
		return p, "(defaults: the whole protocol, no test extension)", nil
	case strings.HasPrefix(value, "kit:"):
		var b []byte
		b, err = profiles.FS.ReadFile(strings.TrimPrefix(value, "kit:") + ".json")
		if err != nil {
			return p, "", fmt.Errorf("--profile %q: the kit has no such profile (kit:wallet-mock, kit:wallet-bare, kit:reference-merchant, kit:wallet-sample, kit:merchant-sample, kit:merchant-bare)", value)
		}
		if p, err = profile.Parse(b); err != nil {
			return p, "", fmt.Errorf("--profile %s: %w", value, err)
		}
	default:
		if p, err = profile.Load(value); err != nil {
			return p, "", fmt.Errorf("--profile: %w", err)
		}
	}
	if p.Side != "" && side != "" && p.Side != side {
		return p, "", fmt.Errorf("--profile %s describes a %s, but this command verifies a %s", value, p.Side, side)
	}
	if p.Name != "" {
		name = p.Name + " (" + value + ")"
	}
	return p, name, nil
}

// checkURL refuses what is not an absolute http(s) URL.
func checkURL(flagName, raw string) (string, error) {
	if raw == "" {
		return "", fmt.Errorf("%s is required", flagName)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%s %q: want an absolute http(s) URL such as http://127.0.0.1:8080/prefix", flagName, raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

// joinBase appends the profile's path prefix to the wallet URL unless it already ends
// with it (the reference merchant does the same).
func joinBase(walletURL, basePath string) string {
	prefix := strings.TrimRight(basePath, "/")
	if prefix == "" || strings.HasSuffix(walletURL, prefix) {
		return walletURL
	}
	return walletURL + "/" + strings.TrimLeft(prefix, "/")
}

// errUnreachable marks a probe that found a target unreachable or misconfigured: exit 2.
var errUnreachable = preflight.ErrUnreachable

// probe checks, before any scenario runs, that a hook answers where the flags say
// (preflight.Hook, which runner/kittest uses too).
func probe(ctx context.Context, client *http.Client, what, flagName, target, check string) error {
	return preflight.Hook(ctx, client, what, flagName, target, check)
}
