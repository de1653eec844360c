#!/usr/bin/env bash
# Fetches libpact_ffi (FFI 0.5.8, the pairing for pact-go v2.7.0) into
# .tools/pact/lib/. pact-go's own installer downloads from GitHub, which our
# machines cannot reach; the same library ships inside an npm package, so we
# take it from there with `npm pack`, which uses npm's configured registry.
#
# Idempotent: does nothing when the library is already present with the
# expected checksum. Exits non-zero, saying why, on any mismatch.
set -euo pipefail

readonly PACKAGE='@pact-foundation/pact-core-linux-x64-glibc@20.2.0'
readonly TARBALL_SHA256='c55ddf9fe721e90591c6cecdef7f940a8e127a657473738552452a335cdb45d6'
readonly LIB_MEMBER='package/prebuilds/linux-x64/libpact_ffi.so'
readonly LIB_SHA256='f7ffaa50e2a1cba232e65ab8d089a06e9a95f7780582201c723553d52145a5e9'

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib_dir="${PACT_DIR:-$repo_root/.tools/pact/lib}"
lib="$lib_dir/libpact_ffi.so"

die() {
	echo "fetch-pact-ffi: $*" >&2
	exit 1
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

for tool in npm tar sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' is not on PATH"
done

if [[ -f "$lib" ]]; then
	if [[ "$(sha256_of "$lib")" == "$LIB_SHA256" ]]; then
		exit 0
	fi
	echo "fetch-pact-ffi: $lib has the wrong checksum; fetching it again" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-pact-ffi: npm pack $PACKAGE" >&2
# --ignore-scripts: we only want the tarball. npm prints the tarball's file
# name on stdout; at loglevel=error its stderr carries only real errors.
tarball_name="$(cd "$work" && npm pack --loglevel=error --ignore-scripts "$PACKAGE" | tail -n1)" ||
	die "npm pack $PACKAGE failed (see npm's error above)"
tarball="$work/$tarball_name"
[[ -n "$tarball_name" && -f "$tarball" ]] ||
	die "npm pack $PACKAGE produced no tarball"

got="$(sha256_of "$tarball")"
[[ "$got" == "$TARBALL_SHA256" ]] ||
	die "tarball $tarball_name: sha256 $got, want $TARBALL_SHA256"

tar -xzf "$tarball" -C "$work" "$LIB_MEMBER" ||
	die "tarball $tarball_name has no $LIB_MEMBER"

got="$(sha256_of "$work/$LIB_MEMBER")"
[[ "$got" == "$LIB_SHA256" ]] ||
	die "$LIB_MEMBER: sha256 $got, want $LIB_SHA256"

mkdir -p "$lib_dir"
# Move via a temporary name in the target folder so a concurrent reader never
# sees a half-written library.
install -m 0755 "$work/$LIB_MEMBER" "$lib.tmp.$$"
mv -f "$lib.tmp.$$" "$lib"
echo "fetch-pact-ffi: installed $lib" >&2
