"""Print the part of requirements.lock that Rebound needs at run time: no test or build tools.

The lock pins everything, dev tools included, in one resolution. The image should not ship
pytest, mypy or ruff, yet it must still install with ``--require-hashes`` from the lock's own
pins and hashes. So this walks the runtime dependency graph, from ``[project].dependencies`` in
pyproject.toml through the metadata of the packages installed (from the same lock) in the Python
running it, and prints those blocks of the lock unchanged. Markers are evaluated for the running
Python, which is why the Dockerfile runs it in the build stage, on the runtime's base image.
Nothing is trusted blindly: pip in ``--require-hashes`` mode refuses the install if a needed
package is missing from the output.

usage: python deploy/runtime_lock.py pyproject.toml requirements.lock > runtime.lock
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def runtime_names(dependencies: list[str]) -> set[str]:
    """Canonical names of everything ``dependencies`` pull in here (extras followed)."""
    extras_seen: dict[str, set[str]] = {}
    todo = [
        (req.name, set(req.extras))
        for req in map(Requirement, dependencies)
        if req.marker is None or req.marker.evaluate({"extra": ""})
    ]
    while todo:
        raw_name, wanted = todo.pop()
        name = canonicalize_name(raw_name)
        known = extras_seen.get(name)
        if known is not None and wanted <= known:
            continue
        extras = extras_seen.setdefault(name, set())
        extras.update(wanted)
        for spec in metadata.distribution(name).requires or []:
            child = Requirement(spec)
            if child.marker is None or any(
                child.marker.evaluate({"extra": extra}) for extra in ("", *sorted(extras))
            ):
                todo.append((child.name, set(child.extras)))
    return set(extras_seen)


def lock_blocks(lock_text: str) -> dict[str, str]:
    """``{canonical name: "name==1.0 \\\\\\n    --hash=...\\n    # via ...\\n"}`` from a uv lock
    (every pin of the name, when the lock pins it per Python version)."""
    blocks: dict[str, str] = {}
    current: str | None = None
    for line in lock_text.splitlines(keepends=True):
        match = _NAME.match(line)
        if match:
            current = canonicalize_name(match.group())
            # A package pinned differently per Python (`numpy==2.4.6 ; python_full_version <
            # '3.12'`, then `numpy==2.5.5 ; ... >= '3.12'`) has one block per pin: keep them all.
            blocks[current] = blocks.get(current, "") + line
        elif current is not None and line.startswith((" ", "\t")):
            blocks[current] += line
        else:
            current = None
    return blocks


def runtime_lock(pyproject: Path, lock: Path) -> str:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    blocks = lock_blocks(lock.read_text(encoding="utf-8"))
    names = runtime_names(list(project["dependencies"]))
    missing = sorted(names - set(blocks))
    if missing:
        raise SystemExit(f"runtime_lock: not in {lock}: {', '.join(missing)} (run `make lock`)")
    header = f"# Run-time subset of {lock.name}, made by deploy/runtime_lock.py; do not edit.\n"
    return header + "".join(blocks[name] for name in sorted(names))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1] if __doc__ else "bad usage")
    sys.stdout.write(runtime_lock(Path(sys.argv[1]), Path(sys.argv[2])))
