"""``python -m bench [--quick] [name ...]``: run every benchmark, or the ones named."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench import scheduling, updates

BENCHMARKS: dict[str, Callable[[bool], None]] = {
    scheduling.NAME: scheduling.main,
    updates.NAME: updates.main,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="name", help=f"{', '.join(BENCHMARKS)} (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        started = time.perf_counter()
        print(f"== {name}{' (quick)' if args.quick else ''}", flush=True)
        BENCHMARKS[name](args.quick)
        print(f"== {name} took {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
