#!/usr/bin/env bash
# Two equimap binaries side by side in one run: start-up time (spawn to /readyz answering) and
# tile throughput over bench/urls-lsoa11.txt, uncached (--tile-cache-mb 0) and cached, with wrk on
# loopback. Runs alternate between the binaries so that a change in machine load hits both.
#
#   bench/before_after.sh BEFORE_BIN AFTER_BIN [ATLAS] [WEB_DIST]
#
# Both binaries serve the same atlas and the same copy of the built web map (copied to a
# directory with no package.json beside it, so neither runs npm), from an empty working
# directory. Prints one line per run, then medians.
set -euo pipefail
before=$(realpath "$1")
after=$(realpath "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
atlas=$(realpath "${3:-$repo/boundaries}")
dist=$(realpath "${4:-$repo/web/dist}")
urls="$repo/bench/urls-lsoa11.txt"
rounds=${ROUNDS:-3}
secs=${SECS:-15}
work=$(mktemp -d)
cp -r "$dist" "$work/dist"
mkdir "$work/cwd"
port=28470
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# Not called in a command substitution: that would run it in a subshell, and the caller would
# never see pid (and could not stop the server).
start() { # binary, extra args...; sets pid and startup (seconds)
    local bin=$1
    shift
    local t0
    t0=$(date +%s.%N)
    (cd "$work/cwd" && RUST_LOG=warn exec "$bin" serve --atlas "$atlas" --web "$work/dist" \
        --addr "127.0.0.1:$port" "$@" >"$work/log" 2>&1) &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
        sleep 0.02
    done
    startup=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

stop() {
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
}

load() { # prints requests/s, p50 and p99 from wrk
    URLS="$urls" wrk -t2 -c64 -d"${secs}s" -s "$repo/bench/wrk_urls.lua" "http://127.0.0.1:$port" |
        awk '/Requests\/sec/ {rps=$2} /^requests/ {gsub(",", ""); p50=$6; p99=$9; bad=$4} END {printf "%s tiles/s p50 %s ms p99 %s ms non-2xx %s\n", rps, p50, p99, bad}'
}

for round in $(seq 1 "$rounds"); do
    for which in before after; do
        bin=${!which}
        start "$bin" --tile-cache-mb 0
        echo "$which round $round start-up ${startup}s"
        echo "$which round $round uncached $(load)"
        stop
        start "$bin"
        # one pass over every URL to fill the cache, then measure
        URLS="$urls" wrk -t1 -c4 -d3s -s "$repo/bench/wrk_urls.lua" "http://127.0.0.1:$port" >/dev/null
        echo "$which round $round cached $(load)"
        stop
    done
done
