#!/usr/bin/env bash
# Fetches the official Pact CLI (the standalone `pact` binary of
# @pact-foundation/pact-cli-linux-x64 18.1.2: verifier, stub server, broker
# client) into .tools/pact-cli/. Taken from npm with `npm pack`, which uses
# npm's configured registry, as scripts/fetch-pact-ffi.sh takes the FFI.
#
# Idempotent: does nothing when the binary is already present with the
# expected checksum. Exits non-zero, saying why, on any mismatch.
set -euo pipefail

readonly PACKAGE='@pact-foundation/pact-cli-linux-x64@18.1.2'
readonly TARBALL_SHA256='fdc1bdd7e4e3183bcc5c269c379d5b93a51317095ccba6b98b17914b996bf782'
readonly BIN_MEMBER='package/standalone/pact'
readonly BIN_SHA256='d69be30fb034789e9cbd8dc170fd2bc794860e8202c6b9144585adc2ecec345d'

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${PACT_CLI_DIR:-$repo_root/.tools/pact-cli}"
bin="$bin_dir/pact"

die() {
	echo "fetch-pact-cli: $*" >&2
	exit 1
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

for tool in npm tar sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' is not on PATH"
done

if [[ -f "$bin" ]]; then
	if [[ "$(sha256_of "$bin")" == "$BIN_SHA256" ]]; then
		exit 0
	fi
	echo "fetch-pact-cli: $bin has the wrong checksum; fetching it again" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-pact-cli: npm pack $PACKAGE" >&2
tarball_name="$(cd "$work" && npm pack --loglevel=error --ignore-scripts "$PACKAGE" | tail -n1)" ||
	die "npm pack $PACKAGE failed (see npm's error above)"
tarball="$work/$tarball_name"
[[ -n "$tarball_name" && -f "$tarball" ]] ||
	die "npm pack $PACKAGE produced no tarball"

got="$(sha256_of "$tarball")"
[[ "$got" == "$TARBALL_SHA256" ]] ||
	die "tarball $tarball_name: sha256 $got, want $TARBALL_SHA256"

tar -xzf "$tarball" -C "$work" "$BIN_MEMBER" ||
	die "tarball $tarball_name has no $BIN_MEMBER"

got="$(sha256_of "$work/$BIN_MEMBER")"
[[ "$got" == "$BIN_SHA256" ]] ||
	die "$BIN_MEMBER: sha256 $got, want $BIN_SHA256"

mkdir -p "$bin_dir"
# Move via a temporary name in the target folder so a concurrent reader never
# sees a half-written binary.
install -m 0755 "$work/$BIN_MEMBER" "$bin.tmp.$$"
mv -f "$bin.tmp.$$" "$bin"
echo "fetch-pact-cli: installed $bin" >&2
