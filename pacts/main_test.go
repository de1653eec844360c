//go:build pact

package pacts

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pact-foundation/pact-go/v2/command"
)

// pactDir is the fresh directory the consumer tests write into.
var pactDir string

// TestMain regenerates the pact files from scratch. pact-go merges into an existing file, so
// the consumer tests write into an empty temporary directory; when every test passed and no
// -run or -skip filter left interactions out, the new files replace the committed ones
// (`make test` then fails if they differ). Replacing at the end instead of deleting at the
// start keeps the package buildable when a run fails: the files are embedded.
func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "tradepaykit-pacts-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pacts:", err)
		os.Exit(2)
	}
	pactDir = dir
	// pact-go writes its version into the files' metadata, and finds it from the build info,
	// which a test binary lacks ("dev"): take it from go.mod.
	v, err := requiredVersion("../go.mod", "github.com/pact-foundation/pact-go/v2")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pacts:", err)
		os.Exit(2)
	}
	command.Version = v
	code := m.Run()
	if code == 0 {
		if err := replacePacts(dir); err != nil {
			fmt.Fprintln(os.Stderr, "pacts:", err)
			code = 1
		}
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func replacePacts(dir string) error {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			fmt.Fprintf(os.Stderr, "pacts: -%s is set, so the pact files were not regenerated\n", name[len("test."):])
			return nil
		}
	}
	for _, pair := range Pairs() {
		for file, written := range map[string]string{
			pair.MerchantWallet: writtenFile(pair.Merchant, pair.Wallet),
			pair.WalletMerchant: writtenFile(pair.Wallet, pair.Merchant),
		} {
			from := filepath.Join(filepath.Dir(filepath.Join(dir, file)), written)
			b, err := os.ReadFile(from)
			if err != nil {
				return fmt.Errorf("the consumer tests did not write %s: %w", file, err)
			}
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(file, b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// requiredVersion reads the version go.mod requires of module, without the leading v.
func requiredVersion(gomod, module string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(module) + `\s+v(\S+)`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("%s does not require %s", gomod, module)
	}
	return string(m[1]), nil
}
