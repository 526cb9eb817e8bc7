#!/usr/bin/env bash
# Start-up and memory of one equimap binary over one atlas: seconds from spawn to /readyz
# answering 200, resident memory then, and (with URLS and SECS set) after an uncached wrk run
# over the URL list, with its throughput.
#
#   bench/start_rss.sh BIN ATLAS [PORT]
#   URLS=bench/urls-england-lsoa21.txt SECS=300 bench/start_rss.sh BIN /tmp/england
#
# The web map is served from an empty directory (no npm run); the tile cache is off.
set -euo pipefail
bin=$(realpath "$1")
atlas=$(realpath "$2")
port=${3:-28490}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
mkdir -p "$work/web/dist"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status"; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
(cd "$work" && RUST_LOG=warn exec "$bin" serve --atlas "$atlas" --web "$work/web/dist" \
    --addr "127.0.0.1:$port" --tile-cache-mb 0 >"$work/log" 2>&1) &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.02
done
ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "ready in ${ready} s, resident $(rss)"
sleep 2
echo "2 s later: resident $(rss)"
if [ -n "${URLS:-}" ]; then
    first=$(head -1 "$URLS")
    t1=$(date +%s.%N)
    curl -fs -o /dev/null "http://127.0.0.1:$port$first"
    echo "first tile $first in $(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s, resident $(rss)"
    URLS="$URLS" wrk -t2 -c64 -d"${SECS:-30}s" -s "$repo/bench/wrk_urls.lua" "http://127.0.0.1:$port" |
        awk '/Requests\/sec/ {rps=$2} /^requests/ {gsub(",", ""); p50=$6; p99=$9; bad=$4} END {printf "uncached: %s tiles/s p50 %s ms p99 %s ms non-2xx %s\n", rps, p50, p99, bad}'
    echo "after the run: resident $(rss)"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
