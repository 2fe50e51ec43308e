#!/usr/bin/env bash
# Runs every fuzz target (or those named) for a given number of seconds each,
# one after the other, and prints a summary: executions, corpus size and
# whether anything crashed.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      # default: 600 s, all targets
#   FUZZ_JOBS=2 fuzz/run.sh 600            # two targets at a time
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and nightly compiler
# features: a nightly toolchain when rustup has one, else the stable compiler
# with RUSTC_BOOTSTRAP=1. Runs at the lowest priority (nice 19). The growing
# corpus goes to fuzz/corpus/<target> (not committed); the committed seeds are
# in fuzz/seeds/<target>; crashes land in fuzz/artifacts/<target>. Logs are in
# fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-600}"
shift || true
all=(parse check_compile facts_json differential resources)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
jobs="${FUZZ_JOBS:-1}"
# The sanitizer adds little to a crate that forbids `unsafe`; none is faster.
sanitizer="${FUZZ_SANITIZER:-none}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi
cargo=(cargo)
if rustup run nightly rustc --version >/dev/null 2>&1; then
    cargo=(cargo +nightly)
else
    export RUSTC_BOOTSTRAP=1
fi

dict_for() {
    case "$1" in
        facts_json) echo "-dict=dict/json.dict" ;;
        parse | check_compile) echo "-dict=dict/rules.dict" ;;
        # The resources target checks memory bounds: a tighter limit, and
        # no single allocation over 256 MB.
        resources) echo "-rss_limit_mb=1024 -malloc_limit_mb=256" ;;
        *) echo "" ;;
    esac
}

echo "== building the targets (${cargo[*]} fuzz build, sanitizer: $sanitizer)"
nice -n 19 "${cargo[@]}" fuzz build -O --sanitizer "$sanitizer" "${targets[@]:0:1}" >/dev/null
for t in "${targets[@]}"; do
    nice -n 19 "${cargo[@]}" fuzz build -O --sanitizer "$sanitizer" "$t" >/dev/null
done

mkdir -p logs
run_one() {
    local t="$1"
    mkdir -p "corpus/$t" "artifacts/$t"
    local started
    started=$(date +%s)
    # -timeout: an input that takes longer is a hang; -rss_limit_mb: one that
    # needs more memory is a blow-up. Both count as crashes.
    set +e
    # shellcheck disable=SC2046
    nice -n 19 "${cargo[@]}" fuzz run -O --sanitizer "$sanitizer" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        $(dict_for "$t") >"logs/$t.log" 2>&1
    local status=$?
    set -e
    local ended
    ended=$(date +%s)
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || echo "?")
    local files
    files=$(find "corpus/$t" -type f | wc -l)
    local verdict="no crash"
    [ "$status" -ne 0 ] && verdict="CRASH (exit $status): see logs/$t.log and artifacts/$t/"
    printf '%-14s %5ss  %12s executions  %6s corpus files  %s\n' \
        "$t" "$((ended - started))" "$execs" "$files" "$verdict" | tee -a logs/summary.txt
    return "$status"
}

echo "== fuzzing each target for ${seconds}s ($jobs at a time)"
: >logs/summary.txt
failed=0
running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
echo "== summary"
cat logs/summary.txt
exit "$failed"
