# Build, test and fuzz the kit. GNU make.
#
# Packages that import pact-go carry `//go:build pact`, so a plain
# `go build ./...` works without the native Pact library; every target here
# passes `-tags pact` where tests run, and fetches the library first.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

GO        ?= go
GO_TAGS   ?= pact
FUZZTIME  ?= 30s

# libpact_ffi (FFI 0.5.8, paired with pact-go v2.7.0) lives in an ignored
# folder of the repo; the rpath lets test binaries find it without installing.
PACT_DIR  := $(CURDIR)/.tools/pact/lib
PACT_LIB  := $(PACT_DIR)/libpact_ffi.so

export CGO_ENABLED := 1
export CGO_LDFLAGS := -L$(PACT_DIR) -Wl,-rpath,$(PACT_DIR)
export LD_LIBRARY_PATH := $(PACT_DIR)$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
# Otherwise the library tries to send usage metrics.
export PACT_DO_NOT_TRACK := true
# pact-go and the FFI log at INFO by default; keep test output readable.
# Override with `make test PACT_LOG_LEVEL=DEBUG`.
PACT_LOG_LEVEL ?= ERROR
export PACT_LOG_LEVEL

.PHONY: mutants kill-table ffi build run test fmt-check vet unit long race load memory pacts-unchanged fuzz clean distclean dist
.PHONY: pact-cli vendor-tools

## ffi: fetch libpact_ffi into .tools/pact/lib (once)
ffi: $(PACT_LIB)

$(PACT_LIB): scripts/fetch-pact-ffi.sh scripts/fetch-npm-file.sh
	PACT_DIR='$(PACT_DIR)' scripts/fetch-pact-ffi.sh
	@touch '$@'

# The official Pact CLI (@pact-foundation/pact-cli-linux-x64 18.1.2: verifier,
# stub server, broker client), fetched from npm with its SHA-256 checked like
# the FFI. The runner's TestPactCLI* tests run it through `tradepaykit
# pact-provider`; under make they fail instead of skipping when it is missing.
PACT_CLI_DIR ?= $(CURDIR)/.tools/pact-cli
export PACT_CLI := $(PACT_CLI_DIR)/pact

## pact-cli: fetch the official Pact CLI into .tools/pact-cli (once)
pact-cli: $(PACT_CLI)

$(PACT_CLI): scripts/fetch-pact-cli.sh scripts/fetch-npm-file.sh
	PACT_CLI_DIR='$(PACT_CLI_DIR)' scripts/fetch-pact-cli.sh
	@touch '$@'

## vendor-tools: what the verifier recipes of pacts/README.md run, from the repository
## root: bin/tradepaykit (make build) and the official Pact CLI .tools/pact-cli/pact
vendor-tools: build pact-cli

# The unit tests run the official CLI: its verifier through pact-provider and in the dist
# binary, and its strict validation and publishing of both pact files (runner/pact_cli_test.go).
unit long race: pact-cli
unit long race: export TRADEPAYKIT_REQUIRE_PACT_CLI := 1

# The version the runner prints and writes into its reports, and the commit it was built from.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

## build: the runner binary, with the Pact verifier (libpact_ffi, found through the rpath
## of .tools/pact/lib); also checks that the runner builds without it (bin/tradepaykit-nopact,
## no cgo: every scenario, the pacts reported as not verified)
build: ffi
	$(GO) build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o bin/tradepaykit ./runner
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o bin/tradepaykit-nopact ./runner

## dist: tradepaykit for users without Go: cgo-free binaries for linux, darwin and windows on
## amd64 and arm64 in dist/, and dist/SHA256SUMS; they verify the pacts through the official
## Pact CLI (`pact` on PATH, or --pact-cli), having no Pact library built in
DIST_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
dist:
	rm -rf dist
	mkdir -p dist
	for platform in $(DIST_PLATFORMS); do \
		os="$${platform%/*}"; arch="$${platform#*/}"; exe=""; \
		if [[ "$$os" == windows ]]; then exe=.exe; fi; \
		echo "dist/tradepaykit-$$os-$$arch$$exe"; \
		CGO_ENABLED=0 GOOS="$$os" GOARCH="$$arch" $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' \
			-o "dist/tradepaykit-$$os-$$arch$$exe" ./runner; \
	done
	cd dist && sha256sum tradepaykit-* > SHA256SUMS
	cat dist/SHA256SUMS

## run: the self-test conformance suite (reports in reports/)
run: build
	bin/tradepaykit

## test: gofmt, vet, every test but the long ones (units, features, pacts, the load test), pact files unchanged;
## without the race detector (make race)
test: ffi fmt-check unit pacts-unchanged

fmt-check:
	@unformatted="$$(gofmt -l .)"; \
	if [[ -n "$$unformatted" ]]; then \
		echo "gofmt -l: these files need gofmt -w:" >&2; \
		echo "$$unformatted" >&2; \
		exit 1; \
	fi

vet: ffi
	$(GO) vet -tags '$(GO_TAGS)' ./...

# Most of the runner's tests run verify against party processes and wait on their real-time
# rules: they run in parallel (t.Parallel), several at a time on two cores.
TEST_PARALLEL ?= 8

# The long tests: each reruns the whole suite over every dialect preset or published variant,
# waits out a 5-s delay on every exchange, or compiles the runner a second time (the dist
# binary). make test leaves them out and make long runs them alone; CI runs both, and make race
# runs them too. make test LONG_TESTS= runs every test at once.
LONG_TESTS ?= TestSelfTestPerPreset|TestPactCLIVerifiesEveryPresetPairThroughPactProvider|TestVerifyWalletPassesPublishedVariants|TestVerifyMerchantPassesPublishedVariants|TestVerifyWalletPassesAWalletWhoseAnswersAndNotificationsComeLate|TestVerifyMerchantPassesAMerchantWhoseAnswersAndNotificationsComeLate|TestDistBinaryWithoutGo
# The load test sends 2,000 payments here and 10,000 in make load, which CI also runs.
UNIT_LOAD_PAYMENTS ?= 2000

# -vet=all: go test runs every check of go vet (the vet target) on each package, the packages
# without tests too, inside its own build, so a package's tests start once it is vetted instead
# of after a whole go vet ./... pass; a vet finding fails the package.
unit: ffi
	TRADEPAYKIT_LOAD_PAYMENTS=$(UNIT_LOAD_PAYMENTS) $(GO) test -vet=all -tags '$(GO_TAGS)' -count=1 -timeout 20m \
		-parallel $(TEST_PARALLEL) $(if $(LONG_TESTS),-skip '^($(LONG_TESTS))$$') ./...

## long: the long tests make test leaves out (LONG_TESTS): the suite over every preset and
## published variant, parties 5 s late, the dist binary without Go
long: ffi
	@listed="$$($(GO) test -tags '$(GO_TAGS)' -list '^($(LONG_TESTS))$$' ./runner)"; \
	for name in $$(tr '|' ' ' <<< '$(LONG_TESTS)'); do \
		grep -qx "$$name" <<< "$$listed" || { echo "LONG_TESTS names $$name, a test ./runner does not have" >&2; exit 1; }; \
	done
	$(GO) test -vet=off -tags '$(GO_TAGS)' -count=1 -timeout 20m -parallel $(TEST_PARALLEL) -run '^($(LONG_TESTS))$$' ./runner

## race: every unit test again under the race detector (CI runs it after make test); it
## compiles every package a second time, with -race. There the load test sends 2,000
## payments instead of 10,000: the detector slows every HTTP exchange several times.
race: ffi
	$(GO) test -race -vet=off -tags '$(GO_TAGS)' -count=1 -timeout 20m -parallel $(TEST_PARALLEL) ./...

## load: the load test alone, 10,000 payments (make test runs it among the unit tests with
## 2,000; CI runs this target)
load: ffi
	$(GO) test -count=1 -run '^TestNothingLostUnderLoad$$' -v ./internal/load

## memory: wallet-mock --data over 100,000 payments, reporting its peak resident memory
## (make test runs the same test with 4,000; MEMORY_PAYMENTS=N for another count)
MEMORY_PAYMENTS ?= 100000
memory: ffi
	TRADEPAYKIT_MEMORY_PAYMENTS=$(MEMORY_PAYMENTS) $(GO) test -tags '$(GO_TAGS)' -count=1 -timeout 60m \
		-run '^TestWalletMockDataMemoryStaysBounded$$' -v ./runner

# The pact tests regenerate pacts/; a diff means the committed contract is
# stale (or a new pact file was not committed).
pacts-unchanged: unit
	@if [[ -n "$$(git ls-files -- pacts/ 2>/dev/null)" ]]; then \
		git diff --exit-code -- pacts/ || { \
			echo "pacts/ changed when the tests ran: review and commit the pact files" >&2; exit 1; }; \
		untracked="$$(git ls-files --others --exclude-standard -- pacts/)"; \
		if [[ -n "$$untracked" ]]; then \
			echo "pact files written by the tests but not committed:" >&2; \
			echo "$$untracked" >&2; \
			exit 1; \
		fi; \
	fi

## bench: time the self-test, the verify commands, the wallet mock's signed answers against
## Go's RSA signing rate, the retry schedule on the virtual clock and the memory of 10,000
## payments (internal/bench); BENCH_RUNS timed runs per command after a warm-up
.PHONY: bench
BENCH_RUNS ?= 3
bench: build
	$(GO) test -tags '$(GO_TAGS)' -run '^$$' -bench . -benchtime 1x -timeout 30m ./internal/bench \
		-args -kit '$(CURDIR)/bin/tradepaykit' -runs $(BENCH_RUNS)

## mutants: the mutation kill test: every defect of the wallet mock's and the reference
## merchant's catalogs must fail verify-wallet / verify-merchant (bare profiles) naming its
## requirement, and the correct parties pass; two runs at a time. KILL_TABLE_UPDATE=1
## rewrites README.md's kill table from the run; MUTANTS_PARTY=wallet (or merchant) runs one catalog,
## MUTANTS_PRESET=v2 (or another preset; kit: the defects of every preset) the defects of one dialect.
## It ends with the five slowest verdicts (the table's "verdict in" column has each one's time).
# -v, so that each verdict's time and the closing lines (defects killed, the five slowest)
# show on a green run too; the subtests' RUN, PAUSE and CONT lines are dropped.
mutants: ffi
	$(GO) test -v -tags '$(GO_TAGS)' -count=1 -timeout 90m -parallel 2 -run '^(TestMutantsAreKilled|TestOrderStrPayTimeoutsWaitedForInRealTime)$$' ./runner \
		-mutants $(if $(KILL_TABLE_UPDATE),-kill-table-update) $(if $(MUTANTS_PARTY),-mutants-party $(MUTANTS_PARTY)) $(if $(MUTANTS_PRESET),-mutants-preset $(MUTANTS_PRESET)) \
		| grep -v -E '^=== (RUN|PAUSE|CONT|NAME) '

## kill-table: list new catalog defects in README.md's kill table (as not run yet), without running them
kill-table: ffi
	$(GO) test -tags '$(GO_TAGS)' -count=1 -run '^TestKillTableListsTheCatalogs$$' ./runner -kill-table-update

## fuzz: run every Fuzz target for FUZZTIME each (default 30s)
fuzz: ffi
	@$(GO) test -tags '$(GO_TAGS)' -list '^Fuzz' ./... | \
	awk '/^Fuzz/ { names[n++] = $$1; next } \
	     /^ok/   { for (i = 0; i < n; i++) print $$2, names[i]; n = 0 }' | \
	while read -r pkg name; do \
		echo "== $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -tags '$(GO_TAGS)' -run '^$$' -fuzz "^$$name\$$" -fuzztime '$(FUZZTIME)' "$$pkg"; \
	done

clean:
	rm -rf bin/ reports/ dist/

## distclean: also forget the fetched native library
distclean: clean
	rm -rf .tools/
