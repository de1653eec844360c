#!/usr/bin/env bash
# Fetches the official Pact CLI (the standalone `pact` binary of
# @pact-foundation/pact-cli-linux-x64 18.1.2: verifier, stub server, broker
# client) into .tools/pact-cli/ (or $PACT_CLI_DIR).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$repo_root/scripts/fetch-npm-file.sh" fetch-pact-cli \
	'@pact-foundation/pact-cli-linux-x64@18.1.2' \
	'fdc1bdd7e4e3183bcc5c269c379d5b93a51317095ccba6b98b17914b996bf782' \
	'package/standalone/pact' \
	'd69be30fb034789e9cbd8dc170fd2bc794860e8202c6b9144585adc2ecec345d' \
	"${PACT_CLI_DIR:-$repo_root/.tools/pact-cli}/pact"
