"""Configuration files: a per-user file (in the platform's config folder, or ``LEDGER_CONFIG``)
and an optional team file, ``ledger.toml``, next to the ledger file.

Every setting is one of the environment variables the tool already reads (``KEYS``), so there
is one precedence everywhere: a command-line option, then the environment, then the user's
file, then the team's file, then the default. ``env(name)`` is how the tool reads a setting.
The correction window is not here: it is the ledger's own audited setting (``ledger db grace``).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

#: config key -> the environment variable it stands for
KEYS = {
    "db": "LEDGER_DB",
    "user": "LEDGER_USER",
    "wait": "LEDGER_BUSY_TIMEOUT",
    "phrases": "LEDGER_PHRASES",
    "timezone": "LEDGER_TZ",
    "pager": "LEDGER_PAGER",
    "smtp.host": "LEDGER_SMTP_HOST",
    "smtp.port": "LEDGER_SMTP_PORT",
    "smtp.from": "LEDGER_SMTP_FROM",
    "smtp.starttls": "LEDGER_SMTP_STARTTLS",
    "smtp.user": "LEDGER_SMTP_USER",
    "smtp.password": "LEDGER_SMTP_PASSWORD",
}
#: settings a team file may not set: who you are, and which ledger (it sits next to it)
PERSONAL = ("db", "user", "smtp.password")
#: settings that name a file: relative paths are relative to the config file's folder
PATHS = ("db", "phrases")

_loaded: dict[str, tuple[str, str]] = {}  # variable -> (value, where it came from)


def user_file() -> Path:
    given = os.environ.get("LEDGER_CONFIG")
    if given:
        return Path(given)
    from platformdirs import user_config_dir

    return Path(user_config_dir("ledger", appauthor=False)) / "config.toml"


def team_file(db: str | None) -> Path | None:
    """``ledger.toml`` beside a ledger file (PostgreSQL ledgers have none)."""
    if not db or "://" in db:
        return None
    return Path(db).expanduser().resolve().parent / "ledger.toml"


def read(path: Path) -> dict[str, str]:
    """A config file's settings, flattened (``[smtp] host`` is ``smtp.host``); a broken file
    is one clear refusal. Most runs have no file: tomllib is imported only for one."""
    from ledger.errors import UsageError

    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the configuration file {path}: {exc}") from None
    import tomllib

    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"cannot read the configuration file {path}: {exc}") from None
    flat: dict[str, str] = {}

    def walk(prefix: str, obj: dict[str, Any]) -> None:
        for k, v in obj.items():
            name = f"{prefix}{k}"
            if isinstance(v, dict):
                walk(f"{name}.", v)
            elif name not in KEYS:
                raise UsageError(f"{path}: unknown setting {name!r} (known: "
                                 f"{', '.join(KEYS)})")
            else:
                value = str(v).lower() if isinstance(v, bool) else str(v)
                if name in PATHS and value and not Path(value).expanduser().is_absolute():
                    value = str(path.parent / value)
                flat[name] = value

    walk("", data)
    return flat


def load(db: str | None = None, *, team: bool = True) -> None:
    """Read the user's file (and, with ``team``, the team file beside ``db``) for ``env``."""
    _loaded.clear()
    layers = [(user_file(), False)]
    if team:
        tf = team_file(db)
        if tf is not None:
            layers.append((tf, True))
    for path, is_team in layers:
        for key, value in read(path).items():
            if is_team and key in PERSONAL:
                from ledger.errors import UsageError

                raise UsageError(f"{path}: {key!r} is personal; set it in your own file "
                                 f"({user_file()}) or the environment")
            _loaded.setdefault(KEYS[key], (value, str(path)))


def env(name: str) -> str | None:
    """A setting: the environment variable if set, else the configuration files' value."""
    value = os.environ.get(name)
    if value is not None and value != "":
        return value
    hit = _loaded.get(name)
    return hit[0] if hit else None


def origin(name: str) -> str:
    if os.environ.get(name):
        return "environment"
    hit = _loaded.get(name)
    return hit[1] if hit else "default"


def write(path: Path, key: str, value: str | None) -> None:
    """Set (or, with None, remove) one setting in a config file, keeping the others."""
    import tomllib

    import tomli_w

    from ledger.errors import UsageError

    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read the configuration file {path}: {exc}") from None
    *tables, leaf = key.split(".")
    node = data
    for t in tables:
        node = node.setdefault(t, {})
    if value is None:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def zone() -> tzinfo:
    """The time zone of "today", ``--as-of`` and ``--on`` (``timezone`` / ``LEDGER_TZ``, else
    the system's): one zone for every command."""
    name = env("LEDGER_TZ")
    if not name:
        return datetime.now().astimezone().tzinfo or UTC
    from ledger.core.zones import zone_of

    return zone_of(name)


def today() -> date:
    return datetime.now(zone()).date()
