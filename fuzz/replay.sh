#!/usr/bin/env bash
# Replay every saved input through its fuzz target, without fuzzing: a regression check for CI.
#
#   fuzz/replay.sh                  # every target in fuzz_targets/
#   fuzz/replay.sh tile_path        # just these
#   fuzz/replay.sh --all [targets]  # also the local corpus a fuzzing run has grown
#
# For each target it runs the committed inputs of corpus/<target>/ (the hand-written seed-*
# files) and of regressions/<target>/ (inputs that once failed), each once, with
# `cargo fuzz run <target> <dir> -- -runs=0`. "Committed" means what git tracks or would add
# (.gitignore keeps the fuzzer's own corpus files local); outside a git checkout, or with --all,
# every file in the two directories runs. The two directories run separately so that a failing
# regression does not hide the corpus's result. It keeps going after a failure and exits 1 if
# anything failed. Needs cargo-fuzz; on a stable toolchain it sets RUSTC_BOOTSTRAP=1 itself.
set -uo pipefail

cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"

all=0
if [ "${1:-}" = "--all" ]; then
    all=1
    shift
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    all=1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The inputs of a directory to replay, gathered into one directory; prints its path.
inputs() {
    local dir=$1
    if [ "$all" = 1 ]; then
        echo "$dir"
        return
    fi
    local out="$scratch/${dir//\//_}"
    mkdir -p "$out"
    git ls-files --cached --others --exclude-standard -z -- "$dir" |
        while IFS= read -r -d '' f; do
            [ -f "$f" ] && cp "$f" "$out/"
        done
    echo "$out"
}

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi

started=$(date +%s)
echo "== build: ${targets[*]}"
for t in "${targets[@]}"; do
    cargo fuzz build "$t" || { echo "FAIL: build $t"; exit 1; }
done
built=$(date +%s)

failed=()
for t in "${targets[@]}"; do
    for dir in "corpus/$t" "regressions/$t"; do
        [ -d "$dir" ] || continue
        src=$(inputs "$dir")
        n=$(find "$src" -type f | wc -l)
        [ "$n" -gt 0 ] || continue
        echo "== $t: $dir ($n inputs)"
        if cargo fuzz run "$t" "$src" -- -runs=0 -rss_limit_mb=4096; then
            echo "ok: $t $dir"
        else
            echo "FAIL: $t $dir (the failing input is named above, under artifacts/$t/)"
            failed+=("$t:$dir")
        fi
    done
done

finished=$(date +%s)
echo "== build $((built - started)) s, replay $((finished - built)) s, total $((finished - started)) s"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "== FAILED: ${failed[*]}"
    exit 1
fi
echo "== all inputs pass"
