"""Probabilities as analysts give them: ``0.7``, ``70%``, ``7:3`` odds, or a phrase.

Phrases map to numbers through a table shipped as ``ledger/data/phrases.toml`` (each entry
with a band and a source); a team extends or overrides it with its own file named by
``LEDGER_PHRASES``. Words of mere possibility are accepted but marked vague: never scored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ledger.errors import RuleViolation


class ProbabilityError(RuleViolation):
    """A probability outside [0, 1], or a phrase the table does not know (exit 1)."""


@dataclass(frozen=True)
class Phrase:
    name: str
    p: float
    band: tuple[float, float]
    source: str
    vague: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Probability:
    value: float
    given: str
    mapped: bool = False
    phrase: str | None = None
    band: tuple[float, float] | None = None
    vague: bool = False


def normalize(text: str) -> str:
    s = text.strip().lower().strip("\"'\u201c\u201d\u2018\u2019")
    return " ".join(s.replace("\u2019", "'").split())


def _load(text: str, origin: str) -> dict[str, Phrase]:
    import tomllib  # only when a phrase is read: reads and lists never need it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleViolation(f"phrase table {origin} is not valid TOML: {exc}") from None
    out: dict[str, Phrase] = {}
    phrases = data.get("phrases") or {}
    if not isinstance(phrases, dict):
        raise RuleViolation(f"phrase table {origin}: [phrases] must be a table of entries")
    for name, entry in phrases.items():
        where = f"phrase table {origin}, entry {name!r}"
        if not isinstance(entry, dict):
            raise RuleViolation(f"{where}: must be a table (p = ..., band = [...])")
        try:
            p = float(entry["p"])
            lo, hi = (float(x) for x in entry.get("band", (p, p)))
        except (KeyError, TypeError, ValueError):
            raise RuleViolation(f"{where}: needs p = number and band = [lo, hi]") from None
        if not (0 <= lo <= p <= hi <= 1):
            raise RuleViolation(f"{where}: need 0 <= band lo <= p <= band hi <= 1")
        aliases = entry.get("aliases", ())
        if not isinstance(aliases, list | tuple) or not all(isinstance(a, str) for a in aliases):
            raise RuleViolation(f"{where}: aliases must be a list of strings")
        if not isinstance(entry.get("vague", False), bool):
            raise RuleViolation(f"{where}: vague must be true or false")
        out[normalize(name)] = Phrase(
            name=normalize(name), p=p, band=(lo, hi), source=str(entry.get("source", "")),
            vague=bool(entry.get("vague", False)),
            aliases=tuple(normalize(a) for a in aliases),
        )
    return out


@lru_cache(maxsize=8)
def _table(override: str | None) -> dict[str, Phrase]:
    from importlib import resources

    builtin = resources.files("ledger.data").joinpath("phrases.toml").read_text("utf-8")
    table = _load(builtin, "built-in")
    if override:
        path = Path(override)
        try:
            text = path.read_text("utf-8-sig")
        except OSError as exc:
            raise RuleViolation(f"cannot read phrase table {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise RuleViolation(f"cannot read phrase table {path}: not UTF-8 text") from None
        table.update(_load(text, str(path)))
    return table


def phrase_table() -> dict[str, Phrase]:
    """Every phrase entry, the team's file (LEDGER_PHRASES) over the built-in one."""
    from ledger.config import env

    return _table(env("LEDGER_PHRASES") or None)


def lookup() -> dict[str, Phrase]:
    """Phrase or alias -> entry."""
    table = phrase_table()
    index: dict[str, Phrase] = {}
    for entry in table.values():
        for alias in entry.aliases:
            index.setdefault(alias, entry)
    for name, entry in table.items():
        index[name] = entry
    return index


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"


def _check(value: float, given: str) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ProbabilityError(f"probability {given!r} is not a number between 0 and 1")
    if not 0 <= value <= 1:
        hint = f" (did you mean {given.strip()}%?)" if 1 < value <= 100 else ""
        raise ProbabilityError(f"probability {given!r} is outside [0, 1]{hint}")
    return value + 0.0  # no negative zero


def parse_probability(text: str) -> Probability:
    """Read a number, a percentage, odds or a phrase."""
    if not isinstance(text, str) or not text.strip():
        raise ProbabilityError("empty probability: give 0.7, 70%, 7:3 or a phrase such as 'likely'")
    given = text.strip()
    if len(given) > 200:
        raise ProbabilityError("probability text is too long (200 characters at most)")
    s = normalize(given)
    if re.fullmatch(_NUMBER, s):
        return Probability(_check(float(s), given), given)
    if m := re.fullmatch(rf"({_NUMBER})\s*%", s):
        return Probability(_check(float(m.group(1)) / 100, given), given)
    if m := re.fullmatch(rf"({_NUMBER})\s*:\s*({_NUMBER})", s):
        a, b = float(m.group(1)), float(m.group(2))
        if a < 0 or b < 0 or a + b <= 0 or math.isinf(a + b) or math.isnan(a + b):
            raise ProbabilityError(f"odds {given!r} need two non-negative numbers, not both 0")
        return Probability(_check(a / (a + b), given), given)
    index = lookup()
    entry = index.get(s)
    if entry is None:
        import difflib

        close = difflib.get_close_matches(s, list(index), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ProbabilityError(
            f"unknown probability or phrase {given!r}{hint} (numbers: 0.7, 70%, 7:3; "
            "phrases: `ledger phrases`)"
        )
    return Probability(entry.p, given, mapped=True, phrase=entry.name, band=entry.band,
                       vague=entry.vague)
