"""Configuration files: a per-user file (in the platform's config folder, or ``LEDGER_CONFIG``)
and an optional team file, ``ledger.toml``, next to the ledger file.

Every setting is one of the environment variables the tool already reads (``KEYS``), so there
is one precedence everywhere: a command-line option, then the environment, then the user's
file, then the team's settings (those the ledger holds, set with ``config set --team``, then
``ledger.toml``), then the default. ``env(name)`` is how the tool reads a setting. What a team
may set is ``ledger.core.settings.TEAM``: never a program, a credential or a path outside the
ledger's folder. The correction window is not here: it is the ledger's own audited setting
(``ledger db grace``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from ledger.core.settings import (
    IN_LEDGER,
    KEYS,
    PATHS,
    PERSONAL,
    TEAM,
    check_team_key,
    check_value,
)

__all__ = ["KEYS", "PATHS", "PERSONAL", "TEAM", "env", "from_team", "load", "origin"]

#: variable -> (value, where it came from, whether a team set it)
_loaded: dict[str, tuple[str, str, bool]] = {}
#: the ledger's own team settings, read once when a setting is first looked up there
_ledger: dict[str, Any] = {"read": None, "values": None, "where": "the ledger"}


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


#: A configuration file larger than this is not one (a team file is shared input).
MAX_FILE = 1 << 20


def read(path: Path, *, team: bool = False) -> dict[str, str]:
    """A config file's settings, flattened (``[smtp] host`` is ``smtp.host``); a broken file
    is one clear refusal. A team file (``team``) is input every member can write: it may set
    only ``TEAM`` settings, and a file it names must lie in its own folder. Most runs have no
    file: tomllib is imported only for one."""
    from ledger.errors import UsageError

    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            raise UsageError(f"cannot read the configuration file {path}: larger than "
                             f"{MAX_FILE} bytes")
        content = raw.decode("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the configuration file {path}: {exc}") from None
    import tomllib

    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"cannot read the configuration file {path}: {exc}") from None
    except RecursionError:
        raise UsageError(f"cannot read the configuration file {path}: nested too deeply") \
            from None
    flat: dict[str, str] = {}

    def walk(prefix: str, obj: dict[str, Any]) -> None:
        for k, v in obj.items():
            name = f"{prefix}{k}"
            if isinstance(v, dict) and name.count(".") < 2:
                walk(f"{name}.", v)
            elif name not in KEYS:
                raise UsageError(f"{path}: unknown setting {name!r} (known: "
                                 f"{', '.join(KEYS)})")
            elif not isinstance(v, str | int | float | bool):
                raise UsageError(f"{path}: {name} must be a string, a number or true/false")
            else:
                if team:
                    check_team_key(name, str(path))
                value = str(v).lower() if isinstance(v, bool) else str(v)
                check_value(name, value)
                if name in PATHS and value:
                    value = _path_in(path, value, team=team)
                flat[name] = value

    walk("", data)
    return flat


def _path_in(config: Path, value: str, *, team: bool) -> str:
    """A file a config file names, relative to its folder; a team file's must stay in it."""
    from ledger.errors import UsageError

    given = Path(value).expanduser() if not team else Path(value)
    full = given if given.is_absolute() else config.parent / given
    if team:
        folder = config.parent.resolve()
        try:
            full.resolve().relative_to(folder)
        except (ValueError, OSError, RuntimeError):
            raise UsageError(f"{config}: {value!r} is outside the ledger's folder ({folder}); "
                             "a team file may only name files beside the ledger") from None
    return str(full)


def load(db: str | None = None, *, team: bool = True,
         ledger: Callable[[], dict[str, str]] | None = None, where: str = "the ledger") -> None:
    """Read the user's file (and, with ``team``, the team file beside ``db``) for ``env``.

    ``ledger`` reads the team settings the ledger itself holds (``config set --team``); it is
    called only when a setting is not found in the environment or the user's file, so a
    command that needs no team setting never opens the ledger for one."""
    _loaded.clear()
    _team.clear()
    _ledger.update(read=ledger if team else None, values=None, where=where)
    for key, value in read(user_file()).items():
        _loaded[KEYS[key]] = (value, str(user_file()), False)
    tf = team_file(db) if team else None
    if tf is not None:
        for key, value in read(tf, team=True).items():
            _team.setdefault(KEYS[key], (value, str(tf), True))


#: what ``ledger.toml`` says, below the ledger's own team settings
_team: dict[str, tuple[str, str, bool]] = {}


def _lookup(name: str) -> tuple[str, str, bool] | None:
    hit = _loaded.get(name)
    if hit is not None:
        return hit
    key = next((k for k, v in KEYS.items() if v == name), None)
    if key in IN_LEDGER:
        values = _ledger_values()
        if values.get(key):  # an empty value: the ledger holds none
            return values[key], str(_ledger["where"]), True
    return _team.get(name)


def _ledger_values() -> dict[str, str]:
    if _ledger["values"] is None:
        reader = _ledger["read"]
        _ledger["values"] = {}
        if reader is not None:
            _ledger["values"] = {k: v for k, v in reader().items() if _fit(k, v)}
    return dict(_ledger["values"])


def _fit(key: str, value: str) -> bool:
    """Whether the ledger may hold this team setting: a row written behind the tool's back
    (``db check`` reports it) can neither name a program nor stop every command."""
    from ledger.errors import UsageError

    if key not in IN_LEDGER:
        return False
    try:
        check_value(key, value)
    except UsageError:
        return False
    return True


def env(name: str) -> str | None:
    """A setting: the environment variable if set, else your file's, else the team's (the
    ledger's own, then ``ledger.toml``)."""
    value = os.environ.get(name)
    if value is not None and value != "":
        return value
    hit = _lookup(name)
    return hit[0] if hit else None


def origin(name: str) -> str:
    if os.environ.get(name):
        return "environment"
    hit = _lookup(name)
    return hit[1] if hit else "default"


def from_team(name: str) -> bool:
    """Whether a setting's value comes from a place every member of the team can write."""
    if os.environ.get(name):
        return False
    hit = _lookup(name)
    return bool(hit and hit[2])


def team_values(db: str | None) -> dict[str, str]:
    """The team settings ``ledger.toml`` beside ``db`` holds (for ``db copy``)."""
    tf = team_file(db)
    return read(tf, team=True) if tf is not None else {}


def write(path: Path, key: str, value: str | None) -> None:
    """Set (or, with None, remove) one setting in a config file, keeping the others."""
    import tomllib

    import tomli_w

    from ledger.errors import UsageError

    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
    if value is not None:
        value = check_value(key, value)
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
