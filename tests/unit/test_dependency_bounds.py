"""The rule for dependencies (issue 17): Rebound uses no private part of one (``obj._x``,
``telegram._utils``, a protected method of a base class it subclasses). Where no public hook
exists, the use is listed in ``PINNED`` with the releases it was checked on, pyproject.toml caps
the package below the next one, and a newer release fails here until the use is re-checked.
pyproject's other upper bounds are major versions the code is written for (``UPPER_BOUNDS``)."""

from __future__ import annotations

import ast
import importlib
import sys
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
OWN = {"bot", "handlers", "bench", "tests"}
SOURCES = ("bot", "handlers", "bench")

# package -> (lowest checked, first release not checked, what private part is used where).
# None since issue 17: ExtBot._post, telegram._utils and aiosqlite's Connection._execute,
# ._conn and ._thread were replaced by public APIs.
PINNED: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]] = {}
# package -> (upper bound, why): a major version whose API the code is written for.
UPPER_BOUNDS = {
    "python-telegram-bot": ("23", "PTB 22's API; a major release removes what it deprecated"),
    "sqlalchemy": ("2.2", "SQLAlchemy 2.x's API (2.0 and 2.1 both work)"),
    "aiohttp": ("4", "aiohttp 3's client API (bot/telegram_http.py)"),
}


def release(package: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version(package).split(".")[:3] if part.isdigit())


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"]]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _third_party(module: str) -> bool:
    top = module.split(".")[0]
    return bool(top) and top not in OWN and top not in sys.stdlib_module_names


def private_uses(path: Path) -> list[str]:
    """Where ``path`` reaches into a dependency's private parts: a private module or name
    imported, an attribute chain on an imported name, or ``self._x``/``super()._x`` in a
    subclass of a dependency's class for an ``_x`` the class does not define itself."""
    tree = ast.parse(path.read_text(), str(path))
    imported: dict[str, str] = {}  # local name -> dotted origin, third-party only
    found: list[str] = []
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name

    def where(node: ast.expr | ast.stmt) -> str:
        return f"{shown}:{node.lineno}"

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _third_party(alias.name):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{where(node)} import {alias.name}")
                    top = alias.name.split(".")[0]  # `import a.b` binds a
                    imported[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module and _third_party(node.module):
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if any(_private(part) for part in dotted.split(".")):
                    found.append(f"{where(node)} from {node.module} import {alias.name}")
                imported[alias.asname or alias.name] = dotted
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                found.append(f"{where(node)} {base.id}...{node.attr}")
        if isinstance(node, ast.ClassDef):
            found += _inherited_private_uses(node, imported, where)
    return found


def _inherited_private_uses(
    cls: ast.ClassDef, imported: dict[str, str], where: Callable[[ast.expr], str]
) -> list[str]:
    bases = []
    for base in cls.bases:
        target = base.value if isinstance(base, ast.Subscript) else base  # ExtBot[int]
        dotted = ast.unparse(target).split(".")  # ExtBot, aiosqlite.Connection
        if dotted[0] in imported:
            origin = imported[dotted[0]].split(".") + dotted[1:]
            for cut in range(len(origin) - 1, 0, -1):  # the longest importable module
                try:
                    found: object = importlib.import_module(".".join(origin[:cut]))
                except ImportError:
                    continue
                for name in origin[cut:]:
                    found = getattr(found, name)
                bases.append(found)
                break
    if not bases:
        return []
    defined = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            defined.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            defined.add(node.value)  # __slots__ entries
    uses = []
    for node in ast.walk(cls):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        owner = node.value
        mine = isinstance(owner, ast.Name) and owner.id in ("self", "cls")
        inherited = isinstance(owner, ast.Call) and getattr(owner.func, "id", "") == "super"
        defined_here = node.attr in defined
        if (mine or inherited) and not defined_here and any(hasattr(b, node.attr) for b in bases):
            uses.append(f"{where(node)} {cls.name}: {node.attr} of its base")
    return uses


@pytest.mark.slow
def test_no_private_part_of_a_dependency_is_used() -> None:
    uses = [
        use
        for source in SOURCES
        for path in sorted((ROOT / source).rglob("*.py"))
        for use in private_uses(path)
    ]
    pinned = [what for _low, _below, what in PINNED.values()]
    assert [use for use in uses if not any(what in use for what in pinned)] == []


def test_the_scan_finds_what_issue_17_removed(tmp_path: Path) -> None:
    """The scan is not blind: the private uses Rebound had before issue 17 are found."""
    old = tmp_path / "before_issue_17.py"
    old.write_text(
        "import aiosqlite\n"
        "from telegram._utils.defaultvalue import DefaultValue\n"
        "from telegram.ext import ExtBot\n\n\n"
        "class Bot(ExtBot[int]):\n"
        "    async def send(self) -> None:\n"
        "        await self._post('sendMessage', {})\n\n\n"
        "class Conn(aiosqlite.Connection):\n"
        "    async def run(self) -> None:\n"
        "        await super()._execute(print)\n\n\n"
        "def here() -> object:\n"
        "    return aiosqlite.Connection._execute\n"
    )
    uses = private_uses(old)
    assert len(uses) == 4, uses
    assert "before_issue_17.py:2 from telegram._utils.defaultvalue import DefaultValue" in uses
    assert "before_issue_17.py:8 Bot: _post of its base" in uses
    assert "before_issue_17.py:13 Conn: _execute of its base" in uses
    assert "before_issue_17.py:17 aiosqlite..._execute" in uses


def test_upper_bounds_are_major_versions_or_pinned_uses() -> None:
    """Every cap in pyproject.toml is a major version the code is written for, or a pinned use
    of a private part, capped at the first release not checked and run only below it."""
    caps = {}
    for requirement in _requirements():
        for spec in requirement.specifier:
            if spec.operator in ("<", "<="):
                caps[requirement.name.lower()] = spec.version
    for package, (lowest, below, uses) in PINNED.items():
        assert caps.pop(package) == ".".join(map(str, below)), package
        assert lowest <= release(package) < below, f"{package} {release(package)}: re-check {uses}"
    assert caps == {name: bound for name, (bound, _why) in UPPER_BOUNDS.items()}
