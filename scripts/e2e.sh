#!/usr/bin/env bash
# Browser tests: starts `retour serve` on demo data (a temporary SQLite file, a free port),
# runs e2e/*.py with headless Chromium, and stops the server.
set -euo pipefail
export RETOUR_BCRYPT_COST=8
# shellcheck source=scripts/oidc-provider.sh
source "$(dirname "$0")/oidc-provider.sh"
# shellcheck source=scripts/demo-server.sh
source "$(dirname "$0")/demo-server.sh"
# The provider first: `cleanup` waits for every background job.
trap 'stop_oidc_provider; cleanup' EXIT
register_oidc_client "http://127.0.0.1:$port"
export RETOUR_BINARY="$binary"
export RETOUR_URL="http://127.0.0.1:$port"
export RETOUR_SERVE_LOG="$work/serve.log"
if ! /usr/bin/python3 -m unittest discover -s e2e -p "${E2E_PATTERN:-test_*.py}" -v; then
  echo "--- server log ---"; tail -50 "$work/serve.log"
  exit 1
fi
