#!/usr/bin/env bash
# A reload of a large atlas under tile load: serve ATLAS, build the LSOA 2021 tile set with one
# request, then run `wrk -t2 -c64` uncached over the England URL list for SECS seconds while the
# atlas is reloaded twice over HTTP; prints each reload's time and wrk's summary (failed
# requests are non-2xx responses and socket errors, timeouts included).
#
#   bench/reload_england.sh BIN /tmp/england [SECS]
set -euo pipefail
bin=$(realpath "$1")
atlas=$(realpath "$2")
secs=${3:-30}
repo=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-28495}
work=$(mktemp -d)
mkdir -p "$work/web/dist"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$work" && RUST_LOG=info EQUIMAP_ADMIN_TOKEN=tok exec "$bin" serve --atlas "$atlas" \
    --web "$work/web/dist" --addr "127.0.0.1:$port" --tile-cache-mb 0 >"$work/log" 2>&1) &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.05
done
curl -fs -o /dev/null "http://127.0.0.1:$port$(head -1 "$repo/bench/urls-england-lsoa21.txt")"
URLS="$repo/bench/urls-england-lsoa21.txt" wrk -t2 -c64 -d"${secs}s" \
    -s "$repo/bench/wrk_urls.lua" "http://127.0.0.1:$port" >"$work/wrk" &
load=$!
for at in $((secs / 4)) $((secs / 4)); do
    sleep "$at"
    t0=$(date +%s.%N)
    answer=$(curl -s -X POST -H "Authorization: Bearer tok" "http://127.0.0.1:$port/admin/reload")
    echo "reload in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s: $answer"
done
wait "$load"
cat "$work/wrk"
grep -E "built for the new atlas|reloaded" "$work/log" | sed 's/\x1b\[[0-9;]*m//g'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
