#!/usr/bin/env bash
# Mixed soak on loopback: 256 connections for DURATION (default 300s) against a release server,
# sampling the server's resident memory every 10 s. Bounded in time; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-300s}"
PORT="${PORT:-28470}"
cargo build --release -q -p equimap
target/release/equimap serve --addr "127.0.0.1:$PORT" >/tmp/equimap-soak.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 1; done
( while kill -0 $server 2>/dev/null; do echo "rss_kb $(ps -o rss= -p $server)"; sleep 10; done ) &
sampler=$!
URLS=bench/urls-mixed.txt wrk -t2 -c256 -d"$DURATION" --timeout 30s -s bench/wrk_mixed.lua "http://127.0.0.1:$PORT"
kill $sampler 2>/dev/null || true
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^equimap_server_errors_total|^equimap_tile_cache' || true
