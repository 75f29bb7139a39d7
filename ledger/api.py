"""``ledger.Ledger``: one object with every operation the CLI has, for scripts and tests.

    from ledger import Ledger
    with Ledger("team.db", actor="alice") as lg:
        lg.add_claim("Xiaomi ships a US phone", made_on=date(2015, 2, 20),
                     due_on=date(2016, 12, 31))
        lg.resolve("xiaomi-ships-a-us-phone", "false", on=date(2017, 1, 2))
        print(lg.report()["overall"]["brier"])

The clock is injected (``clock=lambda: date(2016, 1, 1)``): every rule about "the future",
every status and the default ``as_of`` use it, so a script or a test has one notion of today.
Changes to a claim take ``if_version``: without it the version is read first, so two people
changing the same claim at once are told instead of overwriting each other (see
``ledger.ops.versions``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ledger.administration import Administration
from ledger.core.probability import Probability, parse_probability
from ledger.ops import changes, outcomes, queries
from ledger.ops.changes import Done
from ledger.ops.progress import Progress
from ledger.roster import Roster
from ledger.store.engine import Store

Clock = Callable[[], date]


def _probability(p: Probability | float | str | None) -> Probability | None:
    if p is None or isinstance(p, Probability):
        return p
    return parse_probability(str(p))


class Ledger(Administration, Roster):
    """A ledger at a SQLite path or PostgreSQL URL, acted on by ``actor``."""

    def __init__(
        self,
        target: str | Store = "ledger.db",
        *,
        actor: str,
        clock: Clock = date.today,
        wait: float | None = None,
        check_schema: bool = True,
        zone: tzinfo = UTC,
        new_analysts: bool = False,
        signer: Any = None,
    ) -> None:
        """``new_analysts``: changes may add the analysts they name (``--new-analyst``);
        without it a name the ledger does not know is refused with the nearest ones.
        ``signer``: the actor's private key (``ledger.keyring.load``); their changes are
        signed with it."""
        self.store = target if isinstance(target, Store) else Store(target, wait=wait)
        self.store.new_analysts = new_analysts
        self.store.signer = signer  # ``ledger.store.signing.Signer``: changes are signed
        self.actor = actor
        self.clock = clock
        self.zone = zone  # the zone of the clock's days (a report's --as-of day ends there)
        self.warning: str | None = None
        if check_schema:
            from ledger.store.schema import ensure_current

            with self.store.read() as conn:
                ensure_current(conn, self.store.location)
            self.warning = self.store.check_journal()

    def today(self) -> date:
        return self.clock()

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _version(self, claim: str, if_version: int | None) -> int:
        return if_version if if_version is not None else queries.claim_version(self.store, claim)

    # -- changes ----------------------------------------------------------------------------
    def add_source(
        self,
        title: str,
        *,
        key: str | None = None,
        outlet: str | None = None,
        url: str | None = None,
        published_on: date | None = None,
        published_at: datetime | None = None,
        authors: Sequence[str] = (),
    ) -> Done:
        return changes.add_source(
            self.store, self.actor, title=title, key=key, outlet=outlet, url=url,
            published_on=published_on, published_at=published_at, authors=authors,
            today=self.today())

    def add_claim(
        self,
        statement: str,
        *,
        made_on: date,
        due_on: date,
        author: str | None = None,
        due_basis: str = "stated",
        due_note: str | None = None,
        key: str | None = None,
        source: str | None = None,
        quote: str | None = None,
        criteria: str | None = None,
        subject: str | None = None,
        tags: Sequence[str] = (),
        probability: Probability | float | str | None = None,
    ) -> Done:
        """Record a claim; ``probability`` (0.7, "70%", "likely"...) is the author's first
        forecast."""
        return changes.add_claim(
            self.store,
            self.actor,
            statement=statement,
            author=author or self.actor,
            made_on=made_on,
            due_on=due_on,
            due_basis=due_basis,
            due_note=due_note,
            key=key,
            source=source,
            quote=quote,
            criteria=criteria,
            subject=subject,
            tags=tags,
            probability=_probability(probability),
            today=self.today(),
        )

    def forecast(
        self,
        claim: str,
        probability: Probability | float | str,
        *,
        by: str | None = None,
        on: date | None = None,
        note: str | None = None,
    ) -> Done:
        p = _probability(probability)
        assert p is not None
        return changes.add_forecast(
            self.store, self.actor, claim, p, by=by, on=on, note=note, today=self.today()
        )

    def add_evidence(
        self,
        claim: str,
        summary: str,
        *,
        on: date,
        url: str | None = None,
        citation: str | None = None,
        stance: str = "context",
    ) -> Done:
        return changes.add_evidence(self.store, self.actor, claim, summary, on=on, url=url,
                                    citation=citation, stance=stance, today=self.today())

    def resolve(
        self,
        claim: str,
        outcome: str,
        *,
        on: date,
        note: str | None = None,
        evidence: Sequence[int] | None = None,
        revise: bool = False,
        readings: Sequence[tuple[str, str]] | None = None,
        if_version: int | None = None,
    ) -> Done:
        """``readings``: other defensible (outcome, why) readings, shown as a Brier range;
        on ``revise`` the evidence links and readings carry over unless given anew."""
        return outcomes.resolve(
            self.store,
            self.actor,
            claim,
            outcome,
            on=on,
            note=note,
            evidence=evidence,
            revise=revise,
            readings=readings,
            today=self.today(),
            expected_version=self._version(claim, if_version),
        )

    def reopen(self, claim: str, *, note: str, if_version: int | None = None) -> Done:
        return outcomes.reopen(
            self.store,
            self.actor,
            claim,
            note=note,
            expected_version=self._version(claim, if_version),
        )

    def withdraw(
        self,
        claim: str,
        *,
        on: date | None = None,
        note: str | None = None,
        if_version: int | None = None,
    ) -> Done:
        return outcomes.withdraw(
            self.store,
            self.actor,
            claim,
            on=on or self.today(),
            note=note,
            today=self.today(),
            expected_version=self._version(claim, if_version),
        )

    def edit(
        self,
        claim: str,
        *,
        fields: dict[str, Any] | None = None,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        if_version: int | None = None,
        revise: bool = False,
    ) -> Done:
        """Change the fields named in ``changes.EDITABLE`` (``made_on``, ``statement``,
        ``author``...)."""
        return changes.edit(self.store, self.actor, claim, changes=fields or {},
                            add_tags=add_tags, remove_tags=remove_tags, today=self.today(),
                            expected_version=self._version(claim, if_version), revise=revise)

    def remind(self, *, until: date, dry_run: bool = False,
               report: Callable[[Any], None] | None = None) -> list[Any]:
        """Send each analyst with an address their claims due by ``until`` and overdue, once a
        day at most, each on its own; the messages (each with its ``error`` when it could not
        be sent; in a dry run, those that would be sent). ``report`` hears each outcome."""
        from ledger.ops import reminders

        messages = reminders.plan(self.store, until=until, today=self.today())
        if dry_run or not messages:
            return messages
        return reminders.send(self.store, self.actor, messages,
                              reminders.SmtpSettings.from_env(), today=self.today(),
                              report=report)

    def retract(self, forecast: str, *, note: str | None = None) -> Done:
        """Retract forecast ``KEY#N`` (``Done.detail``: ``correction`` or ``withdrawal``)."""
        from ledger.ops import corrections

        return corrections.retract(self.store, self.actor, forecast, note=note)

    def merge(self, duplicate: str, into: str, *, note: str | None = None) -> Done:
        """Merge a claim recorded twice into the one it duplicates."""
        from ledger.ops import corrections

        return corrections.merge(self.store, self.actor, duplicate, into, note=note)

    # -- reading ----------------------------------------------------------------------------
    def claims(self, *, status: str | None = None, author: str | None = None,
               tag: str | None = None, subject: str | None = None,
               due_before: date | None = None) -> list[dict[str, Any]]:
        return queries.list_claims(self.store, status=status, author=author, tag=tag,
                                   subject=subject, due_before=due_before, on=self.today())

    def claim_rows(self, f: Any, *, limit: int | None = None) -> Iterable[dict[str, Any]]:
        """The claims a ``queries.ClaimFilter`` picks, streamed (status, filters and limit in
        the database)."""
        return queries.claim_rows(self.store, f, on=self.today(), limit=limit)

    def claim_count(self, f: Any) -> int:
        return queries.claim_count(self.store, f, on=self.today())

    def due(self, *, until: date, by: str | None = None) -> list[dict[str, Any]]:
        return queries.due_claims(self.store, until=until, on=self.today(), by=by)

    def due_calendar(self, *, until: date, by: str | None = None) -> str:
        """The due queue as an iCalendar feed (RFC 5545) with stable entry UIDs."""
        return queries.due_feed(self.store, until=until, on=self.today(), by=by)

    def show(self, claim: str) -> dict[str, Any]:
        return queries.show_claim(self.store, claim, on=self.today())

    def log(self, claim: str | None = None, *, limit: int | None = None) -> list[dict[str, Any]]:
        return queries.log(self.store, claim, limit=limit)

    def sources(self) -> list[dict[str, Any]]:
        return queries.list_sources(self.store)

    def report(self, *, as_of: date | None = None, period: Any = None,
               group_by: str = "author", every: str | None = None,
               progress: Progress = None) -> dict[str, Any]:
        """The scorecard as plain data (the ``--format json`` contract)."""
        from ledger.scorecard.build import build

        return build(self.store, self._request(as_of, period, group_by, every), progress)

    def _request(self, as_of: date | None, period: Any, group_by: str,
                 every: str | None) -> Any:
        from ledger.scorecard.build import Request

        return Request(as_of=as_of or self.today(), period=period, by=group_by, every=every,
                       zone=self.zone)

    def report_pages(self, *, site: bool = False, as_of: date | None = None,
                     period: Any = None, every: str | None = None,
                     progress: Progress = None) -> Any:
        """The scorecard for readers, by analyst: one HTML file (text), or with ``site`` the
        site's files as (relative path, HTML) pairs, made as they are read."""
        from ledger.scorecard import site as pages

        make = pages.site if site else pages.html_file
        return make(self.store, self._request(as_of, period, "author", every), progress)

    # -- exchange ---------------------------------------------------------------------------
    def export_jsonl(self, out: IO[str], progress: Progress = None) -> int:
        from ledger.ops.export import export_jsonl

        return export_jsonl(self.store, out, progress)

    def export_csv(self, out: IO[str], progress: Progress = None) -> int:
        from ledger.ops.export import export_csv

        return export_csv(self.store, out, progress, today=self.today())

    def import_jsonl(self, lines: Iterable[str], progress: Progress = None,
                     origin: str | None = None) -> dict[str, int]:
        """``origin``: the file the lines came from, named in the import's event."""
        from ledger.ops.importer import import_jsonl

        return import_jsonl(self.store, self.actor, lines, today=self.today(), progress=progress,
                            origin=origin)

    def import_files(
        self, paths: list[Path], fmt: str | None = None, *, dry_run: bool = False,
        who: dict[str, str] | None = None, mapping: dict[str, str] | None = None,
        zone: str | None = None, strict: bool = False, multiple_choice: bool = True,
        progress: Progress = None,
    ) -> dict[str, Any]:
        """Import files in any format (``ledger.importers.FORMATS``; None: detect it) and
        return the import's summary."""
        from ledger.core.zones import zone_of
        from ledger.importers import Options
        from ledger.ops import imports

        opts = Options(actor=self.actor, who=who or {}, zone=zone_of(zone),
                       zone_given=zone is not None and bool(zone.strip()), strict=strict,
                       multiple_choice=multiple_choice, mapping=mapping or {},
                       today=self.today())
        return imports.run(self.store, self.actor, imports.Request(paths, fmt, opts, dry_run),
                           today=self.today(), progress=progress)

    def seed(self, files: list[tuple[str, str]] | None = None) -> dict[str, int]:
        """Load seed files given as (name, text), by default the ones shipped with ledger."""
        from ledger.ops import seeds

        return seeds.load(
            self.store, self.actor, files or seeds.packaged_seeds(), today=self.today()
        )
