#!/usr/bin/env bash
# `make cluster`: several `retour serve` processes (RETOUR_PROCESSES, default 3) behind nginx on one
# PostgreSQL, with demo data unless RETOUR_CLUSTER_DATA=keep. Each process has its own files folder,
# as separate hosts would: what they share goes through the database (sessions, throttling,
# idempotency, jobs, attachments).
#   scripts/cluster.sh             serves on http://localhost:${RETOUR_CLUSTER_PORT:-8080} until Ctrl-C
#   scripts/cluster.sh CMD ARGS    runs CMD against the cluster, then stops it; CMD sees
#                                  RETOUR_CLUSTER_URL, RETOUR_CLUSTER_PORTS and RETOUR_CLUSTER_PIDS
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DATABASE_URL:-}" ]; then exec "$root/scripts/with-postgres.sh" "$0" "$@"; fi
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt-get install -y -qq --no-install-recommends nginx >/dev/null
PATH=$PATH:/usr/sbin
binary=${RETOUR_BINARY:-$root/.build/debug/retour}
processes=${RETOUR_PROCESSES:-3}
work=$(mktemp -d /tmp/retour-cluster.XXXXXX)
pids=()
stop() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

export RETOUR_BCRYPT_COST=${RETOUR_BCRYPT_COST:-8} RETOUR_MAIL_DIR="$work/mail" RETOUR_TRUSTED_PROXIES=127.0.0.1
cd "$root"
RETOUR_FILES="$work/files-0" "$binary" migrate >/dev/null
[ "${RETOUR_CLUSTER_DATA:-demo}" = keep ] || RETOUR_FILES="$work/files-0" "$binary" demo

ports=()
for index in $(seq 1 "$processes"); do
  port=$("$root/scripts/free-port.sh")
  RETOUR_FILES="$work/files-$index" "$binary" serve --hostname 127.0.0.1 --port "$port" \
    >"$work/serve-$index.log" 2>&1 &
  pids+=($!)
  ports+=("$port")
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work"/serve-*.log >&2; exit 1; }
done

front=${RETOUR_CLUSTER_PORT:-8080}
[ $# -gt 0 ] && front=$("$root/scripts/free-port.sh")
upstreams=""
for port in "${ports[@]}"; do upstreams+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'; done
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream retour {
$upstreams    keepalive 32;
  }
  server {
    listen 127.0.0.1:$front;
    client_max_body_size 120m;
    proxy_request_buffering off;
    location / {
      proxy_pass http://retour;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      # A process that dies: requests not yet sent to it, and reads (which may be repeated), go to
      # another; a write already sent fails to the client, who retries (with its Idempotency-Key).
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$front/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

export RETOUR_CLUSTER_URL="http://127.0.0.1:$front" RETOUR_CLUSTER_PORTS="${ports[*]}"
export RETOUR_CLUSTER_PIDS="${pids[*]:0:$processes}" RETOUR_CLUSTER_LOGS="$work"
if [ $# -gt 0 ]; then
  "$@"
else
  echo "Retour: $processes processes (ports ${ports[*]}) behind nginx at http://localhost:$front — Ctrl-C stops."
  wait
fi
