#!/usr/bin/env bash
# Fetches libpact_ffi (FFI 0.5.8, the pairing for pact-go v2.7.0) into
# .tools/pact/lib/ (or $PACT_DIR). pact-go's own installer downloads from GitHub,
# which our machines cannot reach; the same library ships inside an npm package.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$repo_root/scripts/fetch-npm-file.sh" fetch-pact-ffi \
	'@pact-foundation/pact-core-linux-x64-glibc@20.2.0' \
	'c55ddf9fe721e90591c6cecdef7f940a8e127a657473738552452a335cdb45d6' \
	'package/prebuilds/linux-x64/libpact_ffi.so' \
	'f7ffaa50e2a1cba232e65ab8d089a06e9a95f7780582201c723553d52145a5e9' \
	"${PACT_DIR:-$repo_root/.tools/pact/lib}/libpact_ffi.so"
