"""Reminders that reach people: analysts' e-mail addresses, and `ledger remind`, which sends each
analyst with an address one message listing their claims due in the window and overdue.

A claim is an analyst's when they made it or hold a standing (unretracted) forecast on it. What
was sent is logged in the ledger (``reminder``: one row per analyst, claim and day), so running
it twice on one day sends nothing new: safe in cron. Each analyst's message is sent, then
logged in its own transaction, so a failure half-way never makes the next run repeat what
already went out. Each recipient is sent to on its own: a refused address, an address that is
not one, or a dropped connection fails that message alone, never the ones after it. SMTP
settings come from the environment (``SmtpSettings.from_env``); the password is never stored
in the ledger, and is only sent to a server you named yourself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from ledger.core.keys import check_email
from ledger.errors import LedgerError, UsageError
from ledger.ops.changes import Done
from ledger.ops.lookup import analyst_id, analyst_ids
from ledger.ops.queries import due_claims
from ledger.store.audit import Journal, clock
from ledger.store.engine import Store
from ledger.store.tables import ANALYST, CLAIM, FORECAST, REMINDER, insert_id

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

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
        from ledger.config import from_team

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
        user, password = get("LEDGER_SMTP_USER") or None, get("LEDGER_SMTP_PASSWORD") or None
        if user or password:
            chosen = [k for k in ("LEDGER_SMTP_HOST", "LEDGER_SMTP_PORT", "LEDGER_SMTP_STARTTLS")
                      if from_team(k)]
            if chosen:
                raise UsageError(f"your SMTP credentials go only to a server you name yourself: "
                                 f"{', '.join(chosen)} comes from the team's settings; set it in "
                                 "your own file or the environment")
        return cls(host.strip(), port, check_email(sender, what="LEDGER_SMTP_FROM"), starttls,
                   user, password)


@dataclass
class Message:
    analyst: str
    email: str
    claims: list[dict[str, Any]]
    error: str | None = None  # why it was not sent (after ``send``)
    sent: bool = False

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
         today: date, report: Callable[[Message], None] | None = None) -> list[Message]:
    """Send each message on its own, then log it; a message that fails keeps its ``error``
    and the next one is still tried (over a new connection when the last one broke). Returns
    every message; ``report`` hears each outcome as it happens."""
    import smtplib

    smtp: smtplib.SMTP | None = None
    try:
        for m in messages:
            try:
                check_email(m.email)
            except UsageError:
                m.error = "the stored address is not an e-mail address; fix it with `ledger " \
                          "analyst NAME --email`"
                if report is not None:
                    report(m)
                continue
            if smtp is None:
                smtp = _connect(settings, sent=sum(1 for x in messages if x.sent))
            try:
                smtp.send_message(_email(settings, m, today))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError) as exc:
                m.error = _why(exc)
                smtp = _reset(smtp)
            except (smtplib.SMTPException, OSError, UnicodeError) as exc:
                m.error = f"{settings.host}:{settings.port}: {_why(exc)}"
                _close(smtp)
                smtp = None  # the connection may be gone: the next message opens a new one
            else:
                _log(store, actor, m, today)
                m.sent = True
            if report is not None:
                report(m)
    finally:
        _close(smtp)
    return messages


def _connect(settings: SmtpSettings, *, sent: int) -> smtplib.SMTP:
    """A session with the server, or one refusal: a server nobody can reach fails every
    recipient alike, so the run stops there (what was sent stays logged)."""
    import smtplib

    smtp: smtplib.SMTP | None = None
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        _close(smtp)
        done = f"; {sent} sent before it failed" if sent else ""
        raise LedgerError(f"cannot send reminders through {settings.host}:{settings.port}: "
                          f"{_why(exc)}{done}") from None
    return smtp


def _email(settings: SmtpSettings, m: Message, today: date) -> EmailMessage:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.sender, m.email, m.subject()
    msg.set_content(m.body(today))
    return msg


def _why(exc: Exception) -> str:
    """An SMTP refusal in one line: the server's code and words, never a dict's repr."""
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (0, b""))
        return f"refused by the server ({code} {_text(text)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"refused by the server ({exc.smtp_code} {_text(exc.smtp_error)})"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return first


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


def _reset(smtp: smtplib.SMTP | None) -> smtplib.SMTP | None:
    """After a refused message the session goes on: forget that message's envelope."""
    import smtplib

    if smtp is None:
        return None
    try:
        smtp.rset()
        return smtp
    except (smtplib.SMTPException, OSError):
        _close(smtp)
        return None


def _close(smtp: smtplib.SMTP | None) -> None:
    import smtplib

    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


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
