# Sourced by the browser stage before Retour starts: a real OpenID Connect provider
# (django-oidc-provider from PyPI, e2e/oidc/provider.py) on a free port, in a venv under .build,
# with a user for the demo agent; exports RETOUR_OIDC_* and OIDC_* for the tests. The client's
# redirect address is registered by `register_oidc_client` once Retour's port is known.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
oidc_venv="$root/.build/oidc-provider"
if [ ! -x "$oidc_venv/bin/python" ] || ! "$oidc_venv/bin/python" -c "import oidc_provider, django" 2>/dev/null; then
  python3 -m venv "$oidc_venv"
  "$oidc_venv/bin/pip" install --quiet --disable-pip-version-check "django==5.2.*" "django-oidc-provider==0.9.0"
fi
oidc_work=$(mktemp -d /tmp/retour-oidc.XXXXXX)
oidc_port=$("$root/scripts/free-port.sh")
oidc_py() { "$oidc_venv/bin/python" "$root/e2e/oidc/provider.py" "$@"; }
oidc_py setup "$oidc_work" >/dev/null
export OIDC_MODE_FILE="$oidc_work/mode"
export OIDC_PASSWORD="provider-$(head -c 9 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')"
oidc_py user "$oidc_work" rma@retour.example "$OIDC_PASSWORD"
oidc_py user "$oidc_work" stranger@elsewhere.example "$OIDC_PASSWORD"
# Started directly, not through the function: `$!` must be the server itself for `kill` to stop it.
"$oidc_venv/bin/python" "$root/e2e/oidc/provider.py" serve "$oidc_work" "$oidc_port" >"$oidc_work/serve.log" 2>&1 &
oidc_server=$!
export RETOUR_OIDC_ISSUER="http://127.0.0.1:$oidc_port/openid"
export RETOUR_OIDC_CLIENT_ID="retour-e2e"
export RETOUR_OIDC_CLIENT_SECRET="secret-$(head -c 9 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')"
export OIDC_PROVIDER_URL="http://127.0.0.1:$oidc_port"
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$RETOUR_OIDC_ISSUER/.well-known/openid-configuration', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
register_oidc_client() {
  oidc_py client "$oidc_work" "$RETOUR_OIDC_CLIENT_ID" "$RETOUR_OIDC_CLIENT_SECRET" "$1/login/oidc/callback"
  # A second application at the same provider: its codes must not sign anyone in to Retour.
  oidc_py client "$oidc_work" "another-app" "another-secret" "$1/login/oidc/callback"
}
stop_oidc_provider() {
  kill "$oidc_server" 2>/dev/null || true
  wait "$oidc_server" 2>/dev/null || true
  rm -rf "$oidc_work"
}
