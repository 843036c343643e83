"""Deploy files, checked without Docker (there is no engine here; see deploy/README.md).

What can be checked offline is: the compose file's structure, the Dockerfile's instructions
against the lock file, the run-time subset of the lock, and that every setting is documented.
"""

from __future__ import annotations

import configparser
import fnmatch
import importlib.util
import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DEV_ONLY = {"pytest", "pytest-asyncio", "mypy", "ruff", "hatchling", "editables", "types-pyyaml"}


# --- compose.yaml -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_has_bot_db_and_one_shot_migration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"bot", "db", "migrate"} <= set(services)
    assert services["bot"]["command"] == ["rebound", "run"]
    assert services["migrate"]["command"] == ["rebound", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["bot"]["restart"] == "unless-stopped"
    assert services["bot"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_compose_builds_this_repository_for_bot_and_migrate(compose: dict[str, Any]) -> None:
    for name in ("bot", "migrate"):
        service = compose["services"][name]
        context = (DEPLOY / service["build"]["context"]).resolve()
        assert context == ROOT
        assert (context / service["build"]["dockerfile"]).is_file()
        assert service["env_file"] == ".env"
        url = service["environment"]["REBOUND_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://rebound:${POSTGRES_PASSWORD:?")
        assert url.endswith("@db:5432/rebound")
    assert compose["services"]["bot"]["image"] == compose["services"]["migrate"]["image"]


def test_compose_database_has_healthcheck_and_volume(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, _, target = db["volumes"][0].partition(":")
    assert target == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_compose_proxy_is_optional_and_never_sees_the_token(compose: dict[str, Any]) -> None:
    proxy = compose["services"]["proxy"]
    assert proxy["profiles"] == ["webhook"]
    assert "env_file" not in proxy
    host, _, port = proxy["environment"]["UPSTREAM"].partition(":")
    assert (host, int(port)) == ("bot", Settings.model_fields["webhook_port"].default)
    source = proxy["volumes"][0].split(":")[0]
    assert (DEPLOY / source).is_file()


# --- Dockerfile -------------------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` with continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(
        r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
    )
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def runs() -> str:
    return "\n".join(args for keyword, args in instructions() if keyword == "RUN")


def test_dockerfile_installs_exactly_the_lock_with_hashes() -> None:
    steps = instructions()
    assert ("COPY", "requirements.lock pyproject.toml ./") in steps
    commands = runs()
    assert "pip install --require-hashes -r requirements.lock" in commands
    assert "deploy/runtime_lock.py pyproject.toml requirements.lock > runtime.lock" in commands, (
        "the shipped venv gets the run-time subset of the same lock"
    )
    assert "/opt/venv/bin/pip install --require-hashes -r runtime.lock" in commands
    # Every other pip install is of the project itself, without dependencies and not editable.
    for match in re.finditer(r"pip install ([^&]*)", commands):
        args = shlex.split(match.group(1))
        assert "--require-hashes" in args or "--no-deps" in args, args
        assert "-e" not in args and "--editable" not in args
    assert "pip wheel --no-deps --no-build-isolation" in commands


def test_dockerfile_python_matches_the_lock() -> None:
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[1]
    locked = re.search(r"--python-version (\d+\.\d+)", header)
    assert locked is not None
    (image,) = [args for kw, args in instructions() if kw == "ARG" and "PYTHON_IMAGE" in args]
    assert image == f"PYTHON_IMAGE=python:{locked.group(1)}-slim"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={locked.group(1)}"


def test_dockerfile_runs_as_non_root_with_content_and_healthcheck() -> None:
    steps = instructions()
    assert ("COPY", "content/ content/") in steps
    last = final_stage()
    users = [args for keyword, args in last if keyword == "USER"]
    assert users, "the runtime stage must switch user"
    assert users[-1].split(":")[0] not in ("root", "0")
    keywords = [keyword for keyword, _ in last]
    assert keywords.index("USER") < keywords.index("CMD")
    (health,) = [args for keyword, args in last if keyword == "HEALTHCHECK"]
    assert 'CMD ["rebound", "doctor", "--offline"]' in health
    assert ("CMD", '["rebound", "run"]') in last
    assert ("COPY", "--from=build /opt/venv /opt/venv") in last


def test_dockerfile_copies_only_existing_unignored_paths() -> None:
    ignore = [
        ln.strip()
        for ln in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    for keyword, args in instructions():
        if keyword != "COPY" or args.startswith("--from"):
            continue
        *sources, _dest = args.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            path = source.rstrip("/")
            assert not any(
                fnmatch.fnmatch(path, pattern.removeprefix("**/")) for pattern in ignore
            ), f"{source} is excluded from the build context"


# --- the run-time subset of the lock ----------------------------------------------------------


def runtime_lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("runtime_lock", DEPLOY / "runtime_lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_runtime_lock_is_a_verbatim_subset_without_dev_tools() -> None:
    module = runtime_lock_module()
    lock_text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    subset = module.runtime_lock(ROOT / "pyproject.toml", ROOT / "requirements.lock")
    blocks = module.lock_blocks(lock_text)
    sub_blocks = module.lock_blocks(subset)
    assert all(sub_blocks[name] == blocks[name] for name in sub_blocks)
    assert all("--hash=sha256:" in block for block in sub_blocks.values())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = {canonicalize_name(Requirement(d).name) for d in project["dependencies"]}
    assert direct <= set(sub_blocks)
    # The extras the bot asks for come along: job-queue, rate-limiter, webhooks, asyncio.
    assert {"apscheduler", "aiolimiter", "tornado", "greenlet"} <= set(sub_blocks)
    assert not DEV_ONLY & set(sub_blocks)
    assert set(blocks) >= DEV_ONLY, "the full lock still has the dev tools"


# --- settings documentation ---------------------------------------------------------------------


def documented() -> dict[str, str]:
    """``{"REBOUND_X": "value"}`` for every ``REBOUND_X=value`` line, commented out or not."""
    found = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"#?\s*(REBOUND_[A-Z_]+)=(.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_every_setting_is_in_env_example() -> None:
    names = {f"REBOUND_{field.upper()}" for field in Settings.model_fields}
    missing = sorted(names - set(documented()))
    assert not missing, f"document these in deploy/.env.example: {missing}"
    unknown = sorted(set(documented()) - names)
    assert not unknown, f"deploy/.env.example documents settings that do not exist: {unknown}"


def test_env_example_defaults_are_the_real_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = documented()
    for field, info in Settings.model_fields.items():
        if info.default_factory is not None or info.default in (None, ""):
            continue  # no default to show: the example value is only an example
        name = f"REBOUND_{field.upper()}"
        monkeypatch.setenv(name, docs[name])
        assert getattr(Settings(_env_file=None), field) == info.default, name
        monkeypatch.delenv(name)


def test_env_example_loads_as_an_env_file() -> None:
    settings = Settings(_env_file=DEPLOY / ".env.example")
    assert settings.bot_token is None or settings.bot_token.get_secret_value() == ""


# --- proxies and systemd ----------------------------------------------------------------------


def test_proxies_forward_to_the_default_webhook_listener() -> None:
    listen = Settings.model_fields["webhook_listen"].default
    port = Settings.model_fields["webhook_port"].default
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert f"proxy_pass http://{listen}:{port};" in nginx
    assert "X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token" in nginx
    assert "listen 443 ssl;" in nginx
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert f"reverse_proxy {{$UPSTREAM:{listen}:{port}}}" in caddy
    assert "header_up -X-Telegram" not in caddy


def test_systemd_unit_runs_migrate_then_the_bot_unprivileged() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "rebound.service").read_text(encoding="utf-8"))
    service = unit["Service"]
    assert service["ExecStartPre"].endswith("/bin/rebound migrate")
    assert service["ExecStart"].endswith("/bin/rebound run")
    assert service["User"] not in ("", "root")
    assert service["EnvironmentFile"] == "/etc/rebound/rebound.env"
    assert service["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_runtime_lock_keeps_every_pin_of_a_package_pinned_per_python() -> None:
    """The lock pins numpy and contourpy once for Python < 3.12 and once for >= 3.12; the subset
    kept only the last (3.12) pins, so a 3.11 install of it was refused for contourpy."""
    module = runtime_lock_module()
    lock_text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    subset = module.runtime_lock(ROOT / "pyproject.toml", ROOT / "requirements.lock")
    pins = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)
    twice = {
        (canonicalize_name(name), version)
        for name, version in pins.findall(lock_text)
        if sum(1 for n, _ in pins.findall(lock_text) if n == name) > 1
    }
    assert twice, "the lock pins nothing per Python version any more: this test is moot"
    kept = {(canonicalize_name(name), version) for name, version in pins.findall(subset)}
    names = {name for name, _ in kept}
    assert {pin for pin in twice if pin[0] in names} <= kept


def make_dry_run(target: str) -> str:
    """What `make <target>` would run (commands only, nothing executed)."""
    done = subprocess.run(
        ["make", "-n", "-W", ".venv/.installed", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_systemd_installs_get_the_run_time_subset_like_the_image() -> None:
    """Issue 18 item 10: `make runtime` writes runtime.lock with deploy/runtime_lock.py and builds
    the wheel; the systemd instructions install those, not the whole lock with its dev tools."""
    commands = make_dry_run("runtime")
    assert "deploy/runtime_lock.py pyproject.toml requirements.lock > runtime.lock.tmp" in commands
    assert "pip wheel" in commands and "--no-deps --no-build-isolation -w dist ." in commands
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    systemd = readme.split("## Without containers (systemd)", 1)[1].split("\n## ", 1)[0]
    unit = (DEPLOY / "rebound.service").read_text(encoding="utf-8")
    for text in (systemd, unit):
        assert "make runtime PYTHON=python3.11" in text
        assert "/opt/rebound/venv/bin/pip install --require-hashes -r runtime.lock" in text
        assert "/opt/rebound/venv/bin/pip install --no-deps dist/rebound-*.whl" in text
        assert "-r requirements.lock" not in text


def blocks_of(config: str) -> list[tuple[str, str]]:
    """(header, body) of every ``header { body }`` block, nested ones included (Caddyfile and
    nginx syntax; comments dropped; Caddy's ``{$PLACEHOLDER}`` is not a block)."""
    text = "\n".join(line.split("#", 1)[0] for line in config.splitlines())
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, int] | None] = []  # None: a placeholder's brace
    for index, char in enumerate(text):
        if char == "{":
            if text[index + 1 : index + 2] == "$":
                stack.append(None)
            else:
                line_start = text.rfind("\n", 0, index) + 1
                stack.append((text[line_start:index].strip(), index + 1))
        elif char == "}" and stack:
            opened = stack.pop()
            if opened is not None:
                found.append((opened[0], text[opened[1] : index]))
    return found


def test_proxies_forward_the_webhook_path_alone_and_say_401() -> None:
    """Issue 18 item 9: the Caddyfile forwarded every path although its comment said other
    paths got 404; both files said the bot answers 403 where it answers 401."""
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    handles = [(h, b) for h, b in blocks_of(caddy) if h.startswith("handle")]
    assert [(h, "reverse_proxy" in b) for h, b in handles] == [
        ("handle {$WEBHOOK_PATH:/telegram}", True),
        ("handle /app/*", True),  # the Mini App (issue 22), and nothing else beside the webhook
        ("handle", False),
    ]
    assert handles[2][1].split() == ["respond", "404"]
    assert caddy.count("reverse_proxy {$UPSTREAM") == 1
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    locations = {h: b for h, b in blocks_of(nginx) if h.startswith("location")}
    assert [h for h, b in locations.items() if "proxy_pass" in b] == [
        "location = /telegram",
        "location /app/",
    ]
    assert "return 404;" in locations["location /"]
    for text in (caddy, nginx):
        comments = "\n".join(line for line in text.splitlines() if line.strip().startswith("#"))
        assert "401" in comments
        assert "answers 403" not in comments
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert compose["services"]["proxy"]["environment"]["WEBHOOK_PATH"] == (
        "${WEBHOOK_PATH:-/telegram}"
    )


def test_security_section_says_what_to_set_and_what_is_enforced() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Security", 1)[1].split("\n## ", 1)[0]
    assert "**What the operator must set**" in section
    assert "**What the bot enforces by itself**" in section
    for must in ("REBOUND_BOT_TOKEN", "REBOUND_ENCRYPTION_KEYS", "REBOUND_HEALTH_PORT"):
        assert must in section
    for enforced in ("derives one from the token", "401", "413", "400", "hide_parameters"):
        assert enforced in section
