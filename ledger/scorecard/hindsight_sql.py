"""SQL for days and instants on both backends, and the rules of ``ledger.core.hindsight``
stated for whole tables (a test holds the two together)."""

from __future__ import annotations

from sqlalchemy.engine import Connection


def days_between(conn: Connection, a: str, b: str) -> str:
    if conn.dialect.name == "sqlite":
        return f"(julianday({a}) - julianday({b}))"
    return f"({a} - {b})"


def day_of(conn: Connection, instant: str) -> str:
    """The UTC day of a stored instant."""
    if conn.dialect.name == "sqlite":
        return f"date({instant})"
    return f"CAST(({instant} AT TIME ZONE 'UTC') AS DATE)"


def day_after(conn: Connection, day: str) -> str:
    """The first instant of the day after ``day``, comparable with stored instants."""
    if conn.dialect.name == "sqlite":
        return f"date({day}, '+1 day')"
    return f"(CAST({day} + 1 AS TIMESTAMP) AT TIME ZONE 'UTC')"


def after_the_fact(conn: Connection, at: str, dated: str, deadline: str,
                    first_res: str | None = None) -> str:
    """SQL for ``ledger.core.hindsight._after_the_fact``: recorded after the deadline day (or
    after the ledger first held an outcome) and more than the grace days after its own date."""
    late = f"{day_of(conn, at)} > {deadline}"
    if first_res is not None:
        late = f"({late} OR ({first_res} IS NOT NULL AND {at} > {first_res}))"
    return f"({late} AND {days_between(conn, day_of(conn, at), dated)} > :grace)"


def effective_withdrawal(conn: Connection, c: str = "c") -> str:
    """A withdrawal recorded by the as-of instant and not late."""
    late = after_the_fact(conn, f"{c}.withdrawn_at", f"{c}.withdrawn_on", f"{c}.due_on")
    return f"({c}.withdrawn_at IS NOT NULL AND {c}.withdrawn_at <= :asof AND NOT {late})"


def late_withdrawal(conn: Connection, c: str = "c") -> str:
    late = after_the_fact(conn, f"{c}.withdrawn_at", f"{c}.withdrawn_on", f"{c}.due_on")
    return f"({c}.withdrawn_at IS NOT NULL AND {c}.withdrawn_at <= :asof AND {late})"


def retraction(conn: Connection, f: str = "f", first_res: str = "sc.first_res") -> str:
    """SQL for ``ledger.core.corrections.is_correction``: a retraction by the as-of instant,
    within the grace days of the forecast's recording, before any outcome was recorded."""
    window = days_between(conn, day_of(conn, f"{f}.retracted_at"),
                          day_of(conn, f"{f}.recorded_at"))
    return (f"({f}.retracted_at IS NOT NULL AND {f}.retracted_at <= :asof AND {window} <= :grace"
            f" AND ({first_res} IS NULL OR {f}.retracted_at < {first_res}))")


def stop_day(conn: Connection, f: str = "f") -> str:
    """The day a forecast withdrawn by the as-of instant stops standing (NULL: it stands)."""
    return (f"CASE WHEN {f}.retracted_at IS NOT NULL AND {f}.retracted_at <= :asof "
            f"THEN {day_of(conn, f'{f}.retracted_at')} END")


def claim_status(conn: Connection, c: str = "c", r: str = "r") -> str:
    """SQL for ``ledger.core.rules.claim_status`` with ``standing_withdrawal``: a claim's
    status on day ``:on`` (withdrawn unless the withdrawal was late, else its current
    resolution's outcome, else open, due or overdue), needing ``:grace``."""
    from ledger.core.rules import OVERDUE_GRACE_DAYS

    late = after_the_fact(conn, f"{c}.withdrawn_at", f"{c}.withdrawn_on", f"{c}.due_on")
    return (f"CASE WHEN {c}.withdrawn_on IS NOT NULL AND NOT ({c}.withdrawn_at IS NOT NULL "
            f"AND {late}) THEN 'withdrawn' "
            f"WHEN {r}.outcome IS NOT NULL THEN {r}.outcome "
            f"WHEN :on < {c}.due_on THEN 'open' "
            f"WHEN {days_between(conn, ':on', f'{c}.due_on')} < {OVERDUE_GRACE_DAYS} THEN 'due' "
            f"ELSE 'overdue' END")
