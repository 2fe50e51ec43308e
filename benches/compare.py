#!/usr/bin/env python3
"""Time one phase of two builds of `examples/profile` against each other.

Each build runs the phase over the 1,000-transaction pool REPS times, the two
in turn (the order swapped every round), ROUNDS rounds, at the highest
priority the caller may set; a run with 0 repetitions (the set-up alone) is
subtracted. Whole runs of a second or so, taken in turn, are steadier on a
shared machine than criterion's estimates taken one build after the other.

Prints, per build, the fastest and the median time per transaction, then the
median over the rounds of the ratio new / base, and the ratio of the fastest
runs.

    cargo build --release --example profile            # in each of the two trees
    benches/compare.py BASE_PROFILE NEW_PROFILE bench fast 2000 16
"""

import statistics
import subprocess
import sys
import time

POOL = 1_000


def run(binary, ruleset, phase, reps):
    """Wall time of one run of the profile, in seconds."""
    start = time.perf_counter()
    subprocess.run(
        ["nice", "-n", "-20", binary, ruleset, phase, str(reps)],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main(argv):
    if len(argv) not in (5, 7):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    base, new, ruleset, phase = argv[1:5]
    reps, rounds = (int(argv[5]), int(argv[6])) if len(argv) == 7 else (1000, 10)
    builds = {"base": base, "new": new}
    setup = {name: float("inf") for name in builds}
    runs = {name: [] for name in builds}
    for i in range(rounds):
        order = list(builds) if i % 2 == 0 else list(reversed(builds))
        for name in order:
            setup[name] = min(setup[name], run(builds[name], ruleset, phase, 0))
            runs[name].append(run(builds[name], ruleset, phase, reps))
    # Nanoseconds per transaction.
    per = {
        name: [(t - setup[name]) / (reps * POOL) * 1e9 for t in runs[name]]
        for name in builds
    }
    for name in builds:
        print(
            f"{name}: fastest {min(per[name]):.1f} ns, "
            f"median {statistics.median(per[name]):.1f} ns"
        )
    ratios = [n / b for n, b in zip(per["new"], per["base"])]
    print(
        f"new / base: median of the rounds' ratios {statistics.median(ratios):.3f}, "
        f"fastest / fastest {min(per['new']) / min(per['base']):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
