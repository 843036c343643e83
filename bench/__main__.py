"""``python -m bench [--full] [name ...]``: run every benchmark, or the ones named.

By default each runs at a small size (all of them together in under ten minutes on a 2-core
machine); ``--full`` runs the sizes quoted in the README."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench import (
    faults,
    insights,
    latency,
    scheduling,
    sending,
    sharing,
    stall,
    understanding,
    updates,
    webapp,
)

# In the order ``python -m bench`` runs them; each module has NAME and main(full: bool).
BENCHMARKS: dict[str, Callable[[bool], None]] = {
    module.NAME: module.main
    for module in (
        scheduling,
        stall,
        updates,
        latency,
        sending,
        sharing,
        faults,
        insights,
        understanding,
        webapp,
    )
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="name", help=f"{', '.join(BENCHMARKS)} (default: all)"
    )
    parser.add_argument(
        "--full", action="store_true", help="the README's sizes (longer; default: small sizes)"
    )
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    total = time.perf_counter()
    for name in args.names or list(BENCHMARKS):
        started = time.perf_counter()
        print(f"== {name}{' (full)' if args.full else ''}", flush=True)
        BENCHMARKS[name](args.full)
        print(f"== {name} took {time.perf_counter() - started:.0f}s", flush=True)
    print(f"== all took {time.perf_counter() - total:.0f}s", flush=True)


if __name__ == "__main__":
    main()
