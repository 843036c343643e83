"""The layers stay apart: the core under bot/ never reaches up into the Telegram features
under handlers/. The application factory is the one place the two meet: it registers them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# bot/app.py builds the Application and registers the features (handlers.register_all).
COMPOSITION_ROOT = ROOT / "bot" / "app.py"


def _imports_handlers(path: Path, base: Path = ROOT) -> list[str]:
    """Every import of ``handlers`` (or a module in it) in ``path``, as file:line."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "handlers" or name.startswith("handlers.") for name in names):
            found.append(f"{path.relative_to(base)}:{node.lineno}")
    return found


def test_nothing_under_bot_imports_handlers() -> None:
    modules = [p for p in (ROOT / "bot").rglob("*.py") if p != COMPOSITION_ROOT]
    assert len(modules) > 50  # the walk found the package
    assert [hit for path in modules for hit in _imports_handlers(path)] == []


def test_the_check_sees_every_form_of_import(tmp_path: Path) -> None:
    """A module written every way one may import handlers is caught on each of those lines."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import handlers\n"
        "import handlers.turn as t\n"
        "from handlers import turn\n"
        "from handlers.render import Renderer\n"
        "from bot import render\n"
        "import handlersx\n"
        "from . import handlers\n"
    )
    assert _imports_handlers(sample, tmp_path) == [f"sample.py:{n}" for n in (1, 2, 3, 4)]


def test_the_factory_is_the_one_exception() -> None:
    """bot/app.py does register the features: the exemption above is needed and no wider."""
    assert _imports_handlers(COMPOSITION_ROOT)


def _bot_data_uses(path: Path) -> list[str]:
    """Every ``something.bot_data`` in ``path``, as file:line."""
    tree = ast.parse(path.read_text(), str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "bot_data"
    ]


def test_the_wiring_is_typed_not_looked_up_in_bot_data() -> None:
    """What an Application holds is a typed field of bot.wiring.Wiring, read through the custom
    context or ``app.wiring``; never a string key in PTB's ``bot_data`` dict."""
    modules = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]
    assert [hit for path in modules for hit in _bot_data_uses(path)] == []
