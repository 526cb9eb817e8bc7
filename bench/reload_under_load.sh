#!/usr/bin/env bash
# Reloads under load: a good reload over HTTP, a bad one (truncated ward file), and a SIGHUP
# reload, all during a 30 s mixed wrk run on loopback. Prints wrk's count of failed requests.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-28480}"
cargo build --release -q -p equimap
atlas="$(mktemp -d)"; cp -r boundaries/. "$atlas"
EQUIMAP_ADMIN_TOKEN=tok target/release/equimap serve --atlas "$atlas" --addr "127.0.0.1:$PORT" >/tmp/equimap-reload.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$atlas"' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 1; done
URLS=bench/urls-mixed.txt wrk -t2 -c64 -d30s -s bench/wrk_mixed.lua "http://127.0.0.1:$PORT" &
load=$!
sleep 4;  curl -s -X POST -H "Authorization: Bearer tok" "http://127.0.0.1:$PORT/admin/reload"; echo
sleep 6;  cp "$atlas/geographies/ward.fgb" "$atlas/ward.bak"; head -c 20000 "$atlas/ward.bak" > "$atlas/geographies/ward.fgb"
curl -s -X POST -H "Authorization: Bearer tok" "http://127.0.0.1:$PORT/admin/reload"; echo
sleep 4;  cp "$atlas/ward.bak" "$atlas/geographies/ward.fgb"; kill -HUP $server
wait $load
