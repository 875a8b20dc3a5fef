#!/usr/bin/env bash
# Browser tests: starts `retour serve` on demo data (a temporary SQLite file, a free port),
# runs e2e/*.py with headless Chromium, and stops the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary="$root/.build/debug/retour"
work=$(mktemp -d /tmp/retour-e2e.XXXXXX)
port=$("$root/scripts/free-port.sh")
export RETOUR_SQLITE="$work/retour.sqlite"
export RETOUR_BCRYPT_COST=8
export RETOUR_FILES="$work/files" RETOUR_MAIL_DIR="$work/mail"
# No worker inside serve: the tests run `retour worker --once` themselves, with each transport.
export RETOUR_WORKER_INTERVAL=0
export RETOUR_BINARY="$binary"

cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
"$binary" demo >"$work/demo.log"
"$binary" serve --hostname 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/login', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
export RETOUR_URL="http://127.0.0.1:$port"
if ! /usr/bin/python3 -m unittest discover -s e2e -p "${E2E_PATTERN:-test_*.py}" -v; then
  echo "--- server log ---"; tail -50 "$work/serve.log"
  exit 1
fi
