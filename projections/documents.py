"""One row per document of the register, and the register's tallies kept by
day beside them: a period's figures are sums over the days of the tally
table plus the few rows of documents issued in it and signed or published
after its end (see ``document_queries``), never a replay of the log.

Every figure of ``events.documents.standing.counts`` counts a document on
the day it was issued: ``issued/<type>``, ``task/<task>``, ``confidential``,
and ``signed`` and ``published`` for one signed or published at all, as
known now. A period's ``signed`` is the sum of the last over its days less
the documents issued in it and signed only after its end, which the index on
the signing day finds; likewise ``published``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Index, Table, text
from sqlmodel import Field, SQLModel

from events.documents import ISSUED, REPLACED, REVOKED, Document, corrections
from projections.engine import Projection, Rows, handles
from projections.search import fold


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_commune_number", "commune", "year", "number_symbol", unique=True),
        # The register, newest first, paged by (issued_on, number, id).
        Index("ix_document_commune_list", "commune", "issued_on", "number", "id"),
        # The next free number of a symbol in a year.
        Index("ix_document_commune_symbol", "commune", "year", "symbol", "number"),
        # Documents signed or published after a period's end (``document_counts``).
        *(Index(f"ix_document_commune_{column}", "commune", column,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"))
          for column in ("signed_on", "published_on")),
        Index("ix_document_replaced_by", "replaced_by_id",
              sqlite_where=text("replaced_by_id IS NOT NULL"),
              postgresql_where=text("replaced_by_id IS NOT NULL")))

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    year: int
    number: int
    symbol: str = Field(max_length=40)
    number_symbol: str = Field(max_length=48)
    doc_type: str = Field(max_length=16)
    title: str = Field(max_length=1000)
    issued_on: date
    signer: str = Field(max_length=255)
    confidential: bool = False
    task: str = Field(max_length=32)
    status: str = Field(max_length=16)
    signed_at: datetime | None = None
    signed_on: date | None = None
    signed_by: str | None = Field(default=None, max_length=255)
    certificate_serial: str | None = Field(default=None, max_length=64)
    published_on: date | None = None
    address: str | None = Field(default=None, max_length=1000)
    ended_on: date | None = None  # revoked or replaced
    end_reason: str | None = Field(default=None, max_length=1000)
    replaced_by_id: str | None = Field(default=None, max_length=36)
    replaced_by: str | None = Field(default=None, max_length=48)
    corrections: int = 0
    recorded_by: str = Field(max_length=64)
    source: str = Field(default="", max_length=255)
    search_text: str = Field(default="", max_length=1100)


class DocumentTallyRow(SQLModel, table=True):
    """A change to one figure of one commune on one day of issue."""

    __tablename__ = "document_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    count: int = Field(default=0, sa_type=BigInteger)


# What of a row the tallies depend on: (commune, issued_on, doc_type, task,
# confidential, signed, published).
Counted = tuple[str, date, str, str, bool, bool, bool]


def changes(counted: Counted) -> list[tuple[str, date]]:
    """The (metric, day) rows one document adds 1 to."""
    _commune, day, doc_type, task, confidential, signed, published = counted
    out = [("issued/" + doc_type, day), ("task/" + task, day)]
    if confidential:
        out.append(("confidential", day))
    if signed:
        out.append(("signed", day))
    if published:
        out.append(("published", day))
    return out


class DocumentProjection(Projection):
    """The document rows, and the tallies they make (``counts``)."""

    name = "documents"
    rebuild_cost = 3.0
    table: Table = DocumentRow.__table__  # type: ignore[attr-defined]
    counts: Table = DocumentTallyRow.__table__  # type: ignore[attr-defined]

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def counted(self, row: dict[str, Any]) -> Counted:
        return (row["commune"], row["issued_on"], row["doc_type"], row["task"],
                bool(row["confidential"]), row["signed_on"] is not None,
                row["published_on"] is not None)

    def recount(self, changed: Iterable[tuple[Counted | None, Counted]]
                ) -> dict[tuple[str, str, date], int]:
        net: Counter[tuple[str, str, date]] = Counter()
        for before, after in changed:
            for metric, day in changes(after):
                net[(after[0], metric, day)] += 1
            if before is not None:
                for metric, day in changes(before):
                    net[(before[0], metric, day)] -= 1
        return {key: n for key, n in net.items() if n}

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    @handles(Document.Issued)
    def issued(self, rows: Rows, e: Any) -> None:
        number_symbol = f"{e.number}/{e.symbol}"
        rows.insert_row(str(e.originator_id), {
            "commune": e.commune, "year": e.issued_on.year, "number": e.number,
            "symbol": e.symbol, "number_symbol": number_symbol, "doc_type": e.doc_type,
            "title": e.title, "issued_on": e.issued_on, "signer": e.signer,
            "confidential": e.confidential, "task": e.task, "status": ISSUED,
            "signed_at": None, "signed_on": None, "signed_by": None,
            "certificate_serial": None, "published_on": None, "address": None,
            "ended_on": None, "end_reason": None, "replaced_by_id": None, "replaced_by": None,
            "corrections": 0, "recorded_by": e.actor[:64], "source": e.source[:255],
            "search_text": fold(f"{number_symbol} {e.title}")[:1100]})

    @handles(Document.Signed)
    def signed(self, rows: Rows, e: Any) -> None:
        local = e.occurred_at.astimezone(self.zone)
        rows.update(str(e.originator_id), signed_at=local, signed_on=local.date(),
                    signed_by=e.signer, certificate_serial=e.certificate_serial)

    @handles(Document.Published)
    def published(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), published_on=e.published_on, address=e.address)

    @handles(Document.Revoked)
    def revoked(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=REVOKED, ended_on=e.revoked_on,
                    end_reason=e.reason)

    @handles(Document.Replaced)
    def replaced(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=REPLACED, ended_on=e.replaced_on,
                    end_reason=e.reason, replaced_by_id=e.by_id, replaced_by=e.by_number)

    @handles(Document.Corrected)
    def corrected(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        values: dict[str, Any] = {}
        for name, value in corrections.effect(e.changes).items():
            if name == "signed_at":
                local = value.astimezone(self.zone)
                values |= {"signed_at": local, "signed_on": local.date()}
            elif name == "signer" and e.corrected_kind == "Signed":
                values["signed_by"] = value
            else:
                values[name] = value
        if "title" in values:
            values["search_text"] = fold(f"{row['number_symbol']} {values['title']}")[:1100]
        rows.update(row["id"], corrections=row["corrections"] + 1, **values)
