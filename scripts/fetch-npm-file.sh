#!/usr/bin/env bash
# Fetches one file out of an npm package, both checked by SHA-256, into DEST:
#   fetch-npm-file.sh NAME PACKAGE@VERSION TARBALL_SHA256 MEMBER MEMBER_SHA256 DEST
# NAME prefixes the messages. The tarball comes from `npm pack`, which uses npm's
# configured registry; native tools the project needs ship this way (the Pact FFI,
# the Pact CLI), since their own installers download from hosts these machines
# cannot reach.
#
# Idempotent: does nothing when DEST is already present with the expected
# checksum. Exits non-zero, saying why, on any mismatch.
set -euo pipefail

[[ $# -eq 6 ]] || { echo "usage: $0 NAME PACKAGE@VERSION TARBALL_SHA256 MEMBER MEMBER_SHA256 DEST" >&2; exit 2; }
readonly NAME="$1" PACKAGE="$2" TARBALL_SHA256="$3" MEMBER="$4" MEMBER_SHA256="$5" DEST="$6"

die() {
	echo "$NAME: $*" >&2
	exit 1
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

for tool in npm tar sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' is not on PATH"
done

if [[ -f "$DEST" ]]; then
	if [[ "$(sha256_of "$DEST")" == "$MEMBER_SHA256" ]]; then
		exit 0
	fi
	echo "$NAME: $DEST has the wrong checksum; fetching it again" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "$NAME: npm pack $PACKAGE" >&2
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

tar -xzf "$tarball" -C "$work" "$MEMBER" ||
	die "tarball $tarball_name has no $MEMBER"

got="$(sha256_of "$work/$MEMBER")"
[[ "$got" == "$MEMBER_SHA256" ]] ||
	die "$MEMBER: sha256 $got, want $MEMBER_SHA256"

mkdir -p "$(dirname "$DEST")"
# Move via a temporary name in the target folder so a concurrent reader never
# sees a half-written file.
install -m 0755 "$work/$MEMBER" "$DEST.tmp.$$"
mv -f "$DEST.tmp.$$" "$DEST"
echo "$NAME: installed $DEST" >&2
