"""Reminders that reach people: analysts' e-mail addresses, and `ledger remind`, which sends each
analyst with an address one message listing their claims due in the window and overdue.

A claim is an analyst's when they made it or hold a standing (unretracted) forecast on it. What
was sent is logged in the ledger (``reminder``: one row per analyst, claim and day), so running
it twice on one day sends nothing new: safe in cron. Each analyst's message is sent, then
logged in its own transaction, so a failure half-way never makes the next run repeat what
already went out. SMTP settings come from the environment (``SmtpSettings.from_env``); the
password is never stored in the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from ledger.core.keys import EMAIL_LIMIT
from ledger.errors import LedgerError, UsageError
from ledger.ops.changes import Done
from ledger.ops.lookup import analyst_id, analyst_ids
from ledger.ops.queries import due_claims
from ledger.store.audit import Journal, clock
from ledger.store.engine import Store
from ledger.store.tables import ANALYST, CLAIM, FORECAST, REMINDER, insert_id

_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+")


def check_email(text: str) -> str:
    value = text.strip()
    if len(value) > EMAIL_LIMIT or not _EMAIL.fullmatch(value):
        raise UsageError(f"{text!r} is not an e-mail address (name@example.org)")
    return value


def set_email(store: Store, actor: str, name: str, email: str | None) -> Done:
    """Give an analyst an e-mail address (None removes it); an audited change."""
    value = None if email is None or not email.strip() else check_email(email)
    with store.write() as conn:
        now = clock(conn)
        ids = analyst_ids(conn, name)
        if len(ids) != 1:
            raise UsageError(f"{name!r} names {len(ids)} analysts; give the exact name")
        j = Journal(conn, actor, "analyst.edit", "analyst", ids[0])
        j.snapshot("analyst", ids[0])
        analyst_id(conn, actor, j, when=now)
        conn.execute(update(ANALYST).where(ANALYST.c.id == ids[0]).values(email=value))
        ev = j.commit(at=now)
        who = conn.execute(select(ANALYST.c.name).where(ANALYST.c.id == ids[0])).scalar_one()
    return Done("analyst", ids[0], str(who), ev, value or "")


def analysts(store: Store) -> list[dict[str, Any]]:
    """Every analyst with their address and how many claims and forecasts they have."""
    with store.read() as conn:
        claims: dict[int, int] = dict(conn.execute(
            select(CLAIM.c.author_id, func.count()).group_by(CLAIM.c.author_id)).all())
        forecasts: dict[int, int] = dict(conn.execute(
            select(FORECAST.c.analyst_id, func.count()).group_by(FORECAST.c.analyst_id)).all())
        return [{"id": a["id"], "name": a["name"], "email": a["email"],
                 "affiliation": a["affiliation"],
                 "claims": int(claims.get(a["id"], 0)),
                 "forecasts": int(forecasts.get(a["id"], 0)), "created_at": a["created_at"]}
                for a in conn.execute(select(ANALYST).order_by(ANALYST.c.name)).mappings()]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls) -> SmtpSettings:
        from ledger.config import env as setting

        def get(name: str) -> str:
            return setting(name) or ""

        host, sender = get("LEDGER_SMTP_HOST"), get("LEDGER_SMTP_FROM")
        if not host.strip() or not sender.strip():
            raise UsageError("reminders need an SMTP server: set LEDGER_SMTP_HOST and "
                             "LEDGER_SMTP_FROM (and LEDGER_SMTP_PORT, LEDGER_SMTP_STARTTLS, "
                             "LEDGER_SMTP_USER, LEDGER_SMTP_PASSWORD as your server needs)")
        starttls = get("LEDGER_SMTP_STARTTLS").strip().lower() in ("1", "true", "yes")
        try:
            port = int(get("LEDGER_SMTP_PORT") or (587 if starttls else 25))
        except ValueError:
            raise UsageError("LEDGER_SMTP_PORT must be a port number") from None
        if not 0 < port < 65536:
            raise UsageError("LEDGER_SMTP_PORT must be a port number")
        return cls(host.strip(), port, check_email(sender), starttls,
                   get("LEDGER_SMTP_USER") or None, get("LEDGER_SMTP_PASSWORD") or None)


@dataclass
class Message:
    analyst: str
    email: str
    claims: list[dict[str, Any]]

    def subject(self) -> str:
        overdue = sum(1 for c in self.claims if c["status"] == "overdue")
        tail = f", {overdue} overdue" if overdue else ""
        return f"ledger: {len(self.claims)} claim(s) to resolve{tail}"

    def body(self, today: date) -> str:
        lines = [f"Hello {self.analyst},", "",
                 f"These claims of yours are due by the end of the window or overdue "
                 f"(as of {today.isoformat()}):", ""]
        for c in self.claims:
            lines += [f"- {c['key']} ({c['status']}, due {c['due_on'].isoformat()}): "
                      f"{c['statement']}",
                      f"    ledger resolve {c['key']} true|false|ambiguous|annulled "
                      f"--on DATE --note \"...\"", ""]
        lines += ["See them all with `ledger due --by \"" + self.analyst + "\"`.", "",
                  "-- ledger (this message is sent once a day at most)"]
        return "\n".join(lines)


def plan(store: Store, *, until: date, today: date) -> list[Message]:
    """Who gets what: each analyst with an address, their due claims not reminded today."""
    rows = due_claims(store, until=until, on=today)
    ids = [r["id"] for r in rows]
    with store.read() as conn:
        people = {int(i): (str(n), str(e)) for i, n, e in conn.execute(
            select(ANALYST.c.id, ANALYST.c.name, ANALYST.c.email).where(
                ANALYST.c.email.is_not(None)))}
        mine: dict[int, set[int]] = {a: set() for a in people}
        for cid, aid in conn.execute(select(CLAIM.c.id, CLAIM.c.author_id).where(
                CLAIM.c.id.in_(ids or [-1]))):
            if aid in mine:
                mine[aid].add(cid)
        for cid, aid in conn.execute(select(FORECAST.c.claim_id, FORECAST.c.analyst_id).where(
                FORECAST.c.claim_id.in_(ids or [-1]), FORECAST.c.retracted_at.is_(None))):
            if aid in mine:
                mine[aid].add(cid)
        sent = {(a, c) for a, c in conn.execute(select(REMINDER.c.analyst_id,
                                                       REMINDER.c.claim_id).where(
            REMINDER.c.sent_on == today))}
    out = []
    for aid, (name, email) in sorted(people.items(), key=lambda kv: kv[1][0]):
        claims = [r for r in rows if r["id"] in mine[aid] and (aid, r["id"]) not in sent]
        if claims:
            out.append(Message(name, email, claims))
    return out


def send(store: Store, actor: str, messages: list[Message], settings: SmtpSettings, *,
         today: date) -> list[Message]:
    """Send each message, then log it; returns those sent."""
    import smtplib
    from email.message import EmailMessage

    sent: list[Message] = []
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            for m in messages:
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = settings.sender, m.email, m.subject()
                msg.set_content(m.body(today))
                smtp.send_message(msg)
                _log(store, actor, m, today)
                sent.append(m)
    except (smtplib.SMTPException, OSError) as exc:
        done = f"; {len(sent)} sent before it failed" if sent else ""
        raise LedgerError(f"cannot send reminders through {settings.host}:{settings.port}: "
                          f"{exc}{done}") from None
    return sent


def _log(store: Store, actor: str, m: Message, today: date) -> None:
    with store.write() as conn:
        now = clock(conn)
        j = Journal(conn, actor, "remind", "analyst")
        analyst_id(conn, actor, j, when=now)
        aid = conn.execute(select(ANALYST.c.id).where(ANALYST.c.name == m.analyst)).scalar_one()
        j.entity_id = aid
        for c in m.claims:
            rid = insert_id(conn, REMINDER.insert().values(
                analyst_id=aid, claim_id=c["id"], sent_on=today, sent_at=now))
            j.touch("reminder", rid)
        j.commit(at=now)
