#!/usr/bin/env bash
# Two equimap binaries side by side in one run: start-up time (spawn to /readyz answering) and
# tile throughput over bench/urls-lsoa11.txt, uncached (--tile-cache-mb 0) and cached, with wrk on
# loopback. Runs alternate between the binaries so that a change in machine load hits both.
#
#   bench/before_after.sh BEFORE_BIN AFTER_BIN [ATLAS] [WEB_DIST]
#
# Both binaries serve the same atlas and the same copy of the built web map (copied to a
# directory with no package.json beside it, so neither runs npm), from an empty working
# directory. Prints one line per run. With perf installed, each run also reports the server's CPU
# time per request (perf stat task-clock over the run / wrk's request count), which other load on
# the machine disturbs far less than requests per second.
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

# Steady state before measuring: one pass over every URL (it fills the cache, and builds the
# tile sets a binary builds on first use), then wait until the server is idle, so that a
# background start-up job (the gradient warm-up, 2-3 s of a core at nice 19, which a real-time
# `chrt` run would not yield to) is over. Start-up is measured apart, above.
settle() {
    URLS="$urls" wrk -t1 -c4 -d3s -s "$repo/bench/wrk_urls.lua" "http://127.0.0.1:$port" >/dev/null
    local waited=0 before_ticks after_ticks
    while [ "$waited" -lt 120 ]; do
        before_ticks=$(cpu_ticks)
        sleep 0.5
        after_ticks=$(cpu_ticks)
        # under 3 of 100 ticks a second: idle
        [ $((after_ticks - before_ticks)) -le 1 ] && return
        waited=$((waited + 1))
    done
    echo "the server did not settle within 60 s" >&2
}

cpu_ticks() { # user + system clock ticks the server has used
    awk '{print $14 + $15}' "/proc/$pid/stat"
}

load() { # prints requests/s, p50 and p99 from wrk, and the server's CPU per request (perf)
    local perf_pid=
    if command -v perf >/dev/null; then
        perf stat -x, -e task-clock -p "$pid" -o "$work/perf" -- sleep "$secs" 2>/dev/null &
        perf_pid=$!
    fi
    URLS="$urls" wrk -t2 -c64 -d"${secs}s" -s "$repo/bench/wrk_urls.lua" "http://127.0.0.1:$port" \
        >"$work/wrk"
    [ -n "$perf_pid" ] && wait "$perf_pid"
    local cpu_ms=nan
    [ -n "$perf_pid" ] && cpu_ms=$(awk -F, '/task-clock/ {print $1}' "$work/perf")
    awk -v cpu="$cpu_ms" '/Requests\/sec/ {rps=$2} / requests in / {n=$1} /^requests/ {gsub(",", ""); p50=$6; p99=$9; bad=$4}
        END {printf "%s tiles/s p50 %s ms p99 %s ms non-2xx %s cpu %.1f us/request\n", rps, p50, p99, bad, (n > 0 ? 1000 * cpu / n : 0)}' "$work/wrk"
}

for round in $(seq 1 "$rounds"); do
    for which in before after; do
        bin=${!which}
        start "$bin" --tile-cache-mb 0
        echo "$which round $round start-up ${startup}s"
        settle
        echo "$which round $round uncached $(load)"
        stop
        start "$bin"
        settle
        echo "$which round $round cached $(load)"
        stop
    done
done
