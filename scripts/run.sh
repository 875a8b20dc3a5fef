#!/usr/bin/env bash
# `make run`: installs what is missing, builds, migrates, loads the demo and serves it on port 8080.
# Each step says what it does; the compiler's and the migrations' output go to files under var/log
# (shown only when a step fails), so the demo logins are the last thing on screen before serving.
set -euo pipefail
cd "$(dirname "$0")/.."
logs=var/log
mkdir -p "$logs"
bin=.build/debug/retour

step() { printf '\n==> %s\n' "$*"; }
fail() {
  echo "    failed; the last lines of $1:" >&2
  tail -40 "$1" >&2
  echo "    (the whole log: $1)" >&2
  exit 1
}

step "Installing the Debian packages that are missing (log: $logs/install.log)"
scripts/install-deps.sh >"$logs/install.log" 2>&1 || fail "$logs/install.log"

if [ -x "$bin" ]; then
  step "Building Retour: only what changed (log: $logs/build.log)"
else
  step "Building Retour: a first build takes about 6 minutes here (log: $logs/build.log)"
fi
started=$(date +%s)
swift build --product retour >"$logs/build.log" 2>&1 || {
  grep -E 'error:' "$logs/build.log" | head -20 >&2 || true
  fail "$logs/build.log"
}
echo "    built in $(($(date +%s) - started)) s"

step "Migrating the database (log: $logs/migrate.log)"
"$bin" migrate >"$logs/migrate.log" 2>&1 || fail "$logs/migrate.log"

step "Loading the demo data (log: $logs/demo.log)"
"$bin" demo >"$logs/demo.log" 2>&1 || fail "$logs/demo.log"
grep -E '^(Demo data|Demo logins|  [a-z_]+ +[^ ]+@)' "$logs/demo.log"

step "Serving Retour at http://localhost:8080 — log in with one of the demo logins above (Ctrl-C stops)"
exec "$bin" serve --hostname 0.0.0.0 --port 8080
