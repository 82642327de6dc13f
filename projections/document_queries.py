"""The register's queries (``queries`` re-exports them: pages read through
that module alone). A period's figures come from the tallies kept by day of
issue and the few documents issued in it and signed or published after it
(``projections.documents``); the list pages by key."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, Connection, Table, cast, func, literal, select, tuple_

from events.documents import ISSUED, TASKS, TYPES, standing
from projections.documents import DocumentRow, DocumentTallyRow
from projections.periods import Period
from projections.search import searched

DOCUMENTS: Table = DocumentRow.__table__  # type: ignore[attr-defined]
DOC = DOCUMENTS.c
DT = DocumentTallyRow.__table__.c  # type: ignore[attr-defined]
PAGE_SIZE = 50


def document_counts(conn: Connection, commune: str, period: Period) -> dict[str, Any]:
    """``standing.counts`` for the period: the tallies of its days of issue,
    less the documents issued in it and signed (published) after its end."""
    total = cast(func.sum(DT.count), BigInteger)
    sums = dict(conn.execute(select(DT.metric, total).where(
        DT.commune == commune, DT.day.between(period.start, period.end)).group_by(DT.metric)
    ).all())
    later = {}
    for column, name in ((DOC.signed_on, "signed"), (DOC.published_on, "published")):
        later[name] = conn.execute(select(func.count()).where(
            DOC.commune == commune, column > period.end,
            DOC.issued_on.between(period.start, period.end))).scalar_one()
    out: dict[str, Any] = {
        "issued": sum(sums.get(f"issued/{t}", 0) for t in TYPES),
        "confidential": sums.get("confidential", 0),
        "signed": sums.get("signed", 0) - later["signed"],
        "published": sums.get("published", 0) - later["published"],
        "by_type": {t: sums.get(f"issued/{t}", 0) for t in TYPES},
        "by_task": {t: sums.get(f"task/{t}", 0) for t in TASKS}}
    out["signed_rate"] = standing.rate(out["signed"], out["issued"] - out["confidential"])
    return out


def document_facts(conn: Connection, commune: str) -> list[standing.Facts]:
    """Every document's facts, as the rows hold them (for tests and checks)."""
    rows = conn.execute(select(DOC.issued_on, DOC.doc_type, DOC.task, DOC.confidential,
                               DOC.signed_on, DOC.published_on, DOC.ended_on)
                        .where(DOC.commune == commune))
    return [standing.Facts(*row) for row in rows]


def signing_cutoff(today: date, calendar: Any) -> date:
    """The latest day of issue whose unsigned documents ``standing.awaiting_signature``
    counts on ``today``: more than ``SIGNING_DAYS`` working days before it."""
    day = today
    while calendar.between(day, today) <= standing.SIGNING_DAYS:
        day -= timedelta(days=1)
    return day


def awaiting_signature(conn: Connection, commune: str, today: date, calendar: Any) -> int:
    """Documents in force, not confidential, unsigned and issued more than two
    working days ago (the dashboard's warning)."""
    return int(conn.execute(select(func.count()).where(
        DOC.commune == commune, DOC.status == ISSUED, DOC.confidential.is_(False),
        DOC.signed_on.is_(None), DOC.issued_on <= signing_cutoff(today, calendar))
    ).scalar_one())


def next_number(conn: Connection, commune: str, year: int, symbol: str) -> int:
    """One more than the highest number of ``symbol`` issued in ``year``."""
    highest = conn.execute(select(func.max(DOC.number)).where(
        DOC.commune == commune, DOC.year == year, DOC.symbol == symbol)).scalar_one()
    return (highest or 0) + 1


@dataclass(frozen=True)
class DocumentFilter:
    """What the register shows: every criterion optional."""

    doc_type: str = ""
    task: str = ""
    month: Period | None = None  # issued in this month (any period)
    signed: bool | None = None
    confidential: bool | None = None
    search: str = ""


@dataclass(frozen=True)
class DocumentKey:
    """A row's place in the register (newest first): its day of issue,
    number and id; the "after" of the next page."""

    issued_on: date
    number: int
    id: str

    def __str__(self) -> str:
        return f"{self.issued_on.isoformat()}~{self.number}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> DocumentKey | None:
        parts = text.split("~")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 6 or not parts[2]:
            return None
        try:
            return cls(date.fromisoformat(parts[0]), int(parts[1]), parts[2][:36])
        except ValueError:
            return None


@dataclass(frozen=True)
class DocumentPage:
    rows: list[Any]
    after: DocumentKey | None  # the next page's, if there is one


def _matching(commune: str, wanted: DocumentFilter) -> list[Any]:
    found: list[Any] = [DOC.commune == commune]
    if wanted.doc_type:
        found.append(DOC.doc_type == wanted.doc_type)
    if wanted.task:
        found.append(DOC.task == wanted.task)
    if wanted.month:
        found.append(DOC.issued_on.between(wanted.month.start, wanted.month.end))
    if wanted.signed is not None:
        found.append(DOC.signed_on.is_not(None) if wanted.signed else DOC.signed_on.is_(None))
    if wanted.confidential is not None:
        found.append(DOC.confidential.is_(wanted.confidential))
    if text := searched(wanted.search):
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found.append(DOC.search_text.like(pattern, escape="\\"))
    return found


_ORDER = (DOC.issued_on.desc(), DOC.number.desc(), DOC.id.desc())


def document_page(conn: Connection, commune: str, wanted: DocumentFilter,
                  after: DocumentKey | None = None, size: int = PAGE_SIZE) -> DocumentPage:
    """One page of the register, newest first, from the row ``after`` on."""
    query = select(DOCUMENTS).where(*_matching(commune, wanted))
    if after is not None:
        query = query.where(tuple_(DOC.issued_on, DOC.number, DOC.id) <
                            tuple_(literal(after.issued_on, DOC.issued_on.type),
                                   literal(after.number), literal(after.id, DOC.id.type)))
    rows = list(conn.execute(query.order_by(*_ORDER).limit(size + 1)).mappings())
    more, rows = len(rows) > size, rows[:size]
    last = rows[-1] if rows else None
    return DocumentPage(rows, DocumentKey(_day(last["issued_on"]), last["number"], last["id"])
                        if more and last else None)


def every_document(conn: Connection, commune: str, wanted: DocumentFilter) -> Iterator[Any]:
    query = select(DOCUMENTS).where(*_matching(commune, wanted)).order_by(*_ORDER)
    yield from conn.execute(query.execution_options(yield_per=1000)).mappings()


def document_totals(conn: Connection, commune: str, wanted: DocumentFilter) -> dict[str, int]:
    """How many documents match, and of these how many are confidential,
    signed and published."""
    row = conn.execute(select(
        func.count(), func.count().filter(DOC.confidential.is_(True)),
        func.count().filter(DOC.signed_on.is_not(None)),
        func.count().filter(DOC.published_on.is_not(None)))
        .where(*_matching(commune, wanted))).one()
    return dict(zip(("total", "confidential", "signed", "published"), map(int, row),
                    strict=True))


def document(conn: Connection, commune: str, document_id: str) -> Any | None:
    return conn.execute(select(DOCUMENTS).where(DOC.commune == commune,
                                                DOC.id == document_id[:36])).mappings().first()


def document_numbered(conn: Connection, commune: str, year: int, number_symbol: str
                      ) -> Any | None:
    return conn.execute(select(DOCUMENTS).where(
        DOC.commune == commune, DOC.year == year, DOC.number_symbol == number_symbol)
    ).mappings().first()


def replaced_by_this(conn: Connection, document_id: str) -> list[Any]:
    """The documents this one replaced ("thay thế cho")."""
    return list(conn.execute(select(DOCUMENTS).where(DOC.replaced_by_id == document_id)
                             .order_by(DOC.issued_on, DOC.number)).mappings())


def in_force(conn: Connection, commune: str, limit: int = 200) -> Sequence[Any]:
    """The newest documents in force, to pick a replacement from."""
    return conn.execute(select(DOC.id, DOC.number_symbol, DOC.year, DOC.title).where(
        DOC.commune == commune, DOC.status == ISSUED).order_by(*_ORDER).limit(limit)).all()


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))




def decisions(conn: Connection, commune: str, limit: int = 200) -> list[tuple[str, date]]:
    """The register's latest decisions and plans (number and symbol, day of
    issue), newest first: what a target may name as its deciding document."""
    return [tuple(r) for r in conn.execute(  # type: ignore[misc]
        select(DOC.number_symbol, DOC.issued_on)
        .where(DOC.commune == commune, DOC.doc_type.in_(("quyet_dinh", "ke_hoach", "nghi_quyet")))
        .order_by(DOC.issued_on.desc(), DOC.number.desc()).limit(limit))]
