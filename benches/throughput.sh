#!/usr/bin/env bash
# Throughput of the `dd-rules` command line on a generated ledger, for
# BENCHMARKS.md: builds the release CLI and the `generate` example, writes
# a ledger of N transactions of the bundled ruleset (1,000,000 by default),
# then runs, one after the other, each command below once under GNU time
# and prints a Markdown table: the command, the transactions it went
# through, wall-clock seconds, transactions per second (by wall clock),
# user + system CPU seconds, and peak resident memory (KB, `%M`).
#
#   eval --format decision ledger   the ledger to decision records
#   eval --format ndjson ledger     the ledger to full reports, one per line
#   summary decisions               the decision records counted
#   diff OLD THRESHOLD-MOVED ledger  OLD is us-state-2020; the other a copy
#                            with one threshold moved: the same fact schema,
#                            so each transaction is loaded once for both
#   diff OLD SCHEMA-CHANGED ledger   a copy with one fact added to a record:
#                            each transaction is loaded by each ruleset
#
# Each diff's rate is also given as a percentage of the decision-record
# rate (the last column). All output goes to /dev/null; intermediate files go to a temporary
# directory (under $TMPDIR; about 2.3 KB a transaction for the ledger and
# 0.8 KB for its decision records) removed on exit. Wall-clock figures
# depend on what else runs on the machine: note its load (printed) with
# them, and compare CPU seconds. Not part of CI.
#
#   benches/throughput.sh              # 1,000,000 transactions
#   benches/throughput.sh 200000       # fewer
#
# Needs: cargo, GNU time at /usr/bin/time, awk, sed, grep.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-1000000}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [number of transactions]" >&2; exit 2; }
[[ -x /usr/bin/time ]] && /usr/bin/time -f %e true 2>/dev/null \
    || { echo "GNU time is needed at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2; exit 2; }
command -v awk >/dev/null || { echo "awk is needed" >&2; exit 2; }

echo "building the release CLI and the generate example…" >&2
cargo build --release --quiet -p dd-rules-cli
cargo build --release --quiet -p dd-rules --example generate
target=${CARGO_TARGET_DIR:-target}
dd=$target/release/dd-rules
generate=$target/release/examples/generate

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dd-rules-throughput.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

old=rulesets/us-state-2020.rules
# A threshold moved, the schema unchanged.
threshold=$tmp/threshold.rules
sed 's/country\.internet_freedom_score < 40/country.internet_freedom_score < 45/' "$old" > "$threshold"
# A fact added to a record: another schema.
schema=$tmp/schema.rules
awk '{ print } /^  encryption_restricted: bool$/ && !done {
    print "  /// The press freedom index, 0-100 (added for the benchmark)."
    print "  press_freedom_score: int"
    done = 1 }' "$old" > "$schema"
for edit in "$threshold:internet_freedom_score < 45" "$schema:press_freedom_score: int"; do
    edited=${edit%%:*}
    if ! grep -q "${edit#*:}" "$edited"; then
        echo "the edit of $old did not apply to $(basename "$edited"); update this script" >&2
        exit 1
    fi
    "$dd" check -q "$edited" >/dev/null
done

echo "generating $n transactions…" >&2
ledger=$tmp/ledger.ndjson
"$generate" "$n" > "$ledger"

# measure NAME COMMAND…: runs the command once, its output to /dev/null,
# and appends "NAME|wall|user+sys|peak KB" to the results.
results=$tmp/results
measure() {
    local name=$1
    shift
    echo "running $name…" >&2
    local status=0
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" > /dev/null || status=$?
    # `eval` exits 1 when a line is rejected; the generator writes none.
    if (( status != 0 )); then
        echo "$name exited with $status" >&2
        exit 1
    fi
    read -r wall user sys rss < <(tail -n 1 "$tmp/time")
    echo "$name|$wall|$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')|$rss" >> "$results"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
measure "eval --format decision ledger" "$dd" eval -q --format decision "$ledger"
measure "eval --format ndjson ledger" "$dd" eval -q --format ndjson "$ledger"
decisions=$tmp/decisions.ndjson
"$dd" eval -q --format decision "$ledger" > "$decisions"
measure "summary decisions" "$dd" summary -q "$decisions"
measure "diff OLD THRESHOLD-MOVED ledger" "$dd" diff -q "$old" "$threshold" "$ledger"
measure "diff OLD SCHEMA-CHANGED ledger" "$dd" diff -q "$old" "$schema" "$ledger"
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

echo
echo "$n transactions; $(nproc) cores; load average $load_before before, $load_after after; $(date -u +%Y-%m-%d)"
echo
echo "| command | transactions | wall s | transactions/s | user+sys CPU s | peak RSS KB | rate vs \`eval --format decision\` |"
echo "|---|---:|---:|---:|---:|---:|---:|"
awk -F'|' -v n="$n" '
    { rate = $2 > 0 ? n / $2 : 0 }
    NR == 1 { base = rate }
    {
        share = ($1 ~ /^diff/ && base > 0) ? sprintf("%.0f%%", 100 * rate / base) : ""
        printf "| `dd-rules %s` | %d | %.2f | %.0f | %s | %s | %s |\n", $1, n, $2, rate, $3, $4, share
    }' "$results"
