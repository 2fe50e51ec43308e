#!/usr/bin/env bash
# Instructions per transaction for each phase of the benchmarks, counted by
# valgrind (callgrind): the same binary runs once with no repetition (the
# setup alone) and once with REPS passes over the 1,000-transaction pool;
# the difference divided by REPS x 1,000 is the cost of one transaction
# (for `compile`, divided by REPS: the cost of one compile).
# Counts, unlike timings, do not depend on what else runs on the machine.
#
#   benches/instructions.sh            # every phase, both rulesets
#   REPS=5 benches/instructions.sh     # more passes
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 2; }
cargo build --release --example profile --quiet
bin=${CARGO_TARGET_DIR:-target}/release/examples/profile
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
printf '%-8s %-7s %12s\n' ruleset phase instructions
for ruleset in bench bundled; do
    base=$(count "$ruleset" compile 0)
    full=$(count "$ruleset" compile "$REPS")
    printf '%-8s %-7s %12d  (per compile)\n' "$ruleset" compile $(( (full - base) / REPS ))
    for phase in load fast report json hand; do
        [[ $phase == hand && $ruleset != bench ]] && continue
        base=$(count "$ruleset" "$phase" 0)
        full=$(count "$ruleset" "$phase" "$REPS")
        printf '%-8s %-7s %12d\n' "$ruleset" "$phase" $(( (full - base) / (REPS * 1000) ))
    done
done
