#!/usr/bin/env bash
# The hostile stage: `retour serve` on a throw-away PostgreSQL with demo data, driven by
# e2e/hostile/hostile.py (bad input on every API operation and HTML form, 100 MB anonymous bodies,
# the database stopped and started under load, kill -9 during a burst of submissions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DATABASE_URL:-}" ]; then exec "$root/scripts/with-postgres.sh" "$0" "$@"; fi
work=$(mktemp -d /tmp/retour-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
export RETOUR_BINARY="$root/.build/debug/retour"
export RETOUR_PORT=$("$root/scripts/free-port.sh")
export RETOUR_BCRYPT_COST=8 RETOUR_FILES="$work/files" RETOUR_MAIL_DIR="$work/mail" RETOUR_WORKER_INTERVAL=0
export RETOUR_SERVE_LOG="${RETOUR_SERVE_LOG:-$work/serve.log}"
cd "$root"
"$RETOUR_BINARY" migrate >/dev/null
"$RETOUR_BINARY" demo >/dev/null
if ! python3 e2e/hostile/hostile.py; then
  echo "--- server errors ---"; grep -aE "ERROR|CRITICAL|answered 5" "$RETOUR_SERVE_LOG" | sort | uniq -c | sort -rn | head -30
  exit 1
fi
