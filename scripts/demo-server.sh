# Sourced by the browser and schemathesis stages: `retour serve` on demo data in a temporary SQLite
# file, on a free port, stopped (and its files removed) when the calling script exits. Sets
# `binary`, `work`, `port` and `server`; the caller may export more RETOUR_* settings first.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary="$root/.build/debug/retour"
work=$(mktemp -d /tmp/retour-stage.XXXXXX)
port=$("$root/scripts/free-port.sh")
export RETOUR_SQLITE="$work/retour.sqlite" RETOUR_FILES="$work/files" RETOUR_MAIL_DIR="$work/mail"
# No worker inside serve: the stages run `retour worker --once` themselves where they need it.
export RETOUR_WORKER_INTERVAL=0
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
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
