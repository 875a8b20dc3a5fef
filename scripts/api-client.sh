#!/usr/bin/env bash
# A client generated from Retour's own OpenAPI document by openapi-python-client (PyPI, pinned, in a
# virtual environment under .build) drives a reseller's journey against `retour serve` on demo data:
# the document and the answers must agree, or the generated client throws.
set -euo pipefail
export RETOUR_BCRYPT_COST=4
# shellcheck source=scripts/demo-server.sh
source "$(dirname "$0")/demo-server.sh"
venv="$root/.build/openapi-client"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client==0.29.1"
fi
python3 -c "import urllib.request,sys; sys.stdout.buffer.write(urllib.request.urlopen('http://127.0.0.1:$port/api/v1/openapi.json').read())" >"$work/openapi.json"
( cd "$work" && "$venv/bin/openapi-python-client" generate --path openapi.json --output-path client/retour_api_client \
    --meta none >"$work/generate.log" 2>&1 ) || { cat "$work/generate.log"; exit 1; }
if ! PYTHONPATH="$work/client" "$venv/bin/python" "$root/e2e/client/journey.py" "http://127.0.0.1:$port" \
    jan@pcpartner.nl retour-demo-2026; then
  echo "--- server log ---"; tail -40 "$work/serve.log"
  exit 1
fi
