#!/usr/bin/env bash
# Schemathesis with every check against a running Retour on demo data (SQLite, a free port): once as
# a reseller, once as an RMA agent, once as an administrator, so that each role's operations are
# reached. `schemathesis.toml` declares the business answers (409/422, and 415 for files judged by
# their bytes); nothing else is switched off.
set -euo pipefail
export RETOUR_BCRYPT_COST=4
# shellcheck source=scripts/demo-server.sh
source "$(dirname "$0")/demo-server.sh"
# Schemathesis from PyPI, pinned, in a virtual environment under .build (nothing installed system-wide).
venv="$root/.build/schemathesis"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
token() {
  python3 - "$port" "$1" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/auth/token", method="POST",
    data=json.dumps({"email": sys.argv[2], "password": "retour-demo-2026"}).encode(),
    headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["token"])
PY
}
# Every token first: fuzzing the token operation may trip the login throttle for this address.
declare -A tokens
for login in jan@pcpartner.nl rma@retour.example admin@retour.example; do tokens[$login]=$(token "$login"); done
status=0
for login in jan@pcpartner.nl rma@retour.example admin@retour.example; do
  echo "--- schemathesis as $login"
  "$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" --checks all --max-examples "${SCHEMA_EXAMPLES:-30}" \
    --seed 20261125 -H "Authorization: Bearer ${tokens[$login]}" || status=1
done
if [ $status -ne 0 ]; then echo "--- server log ---"; tail -40 "$work/serve.log"; fi
exit $status
