"""One row per dossier, and the counter's tallies kept by day beside them
(``projections.tallies``): a period's figures are sums over the days of the
tally table (see ``queries``), never a replay of the log nor a scan of the
dossiers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Connection, Index, Table, text
from sqlmodel import Field, SQLModel

from events.dossiers import (
    AWAITING_SUPPLEMENT,
    IN_PROGRESS,
    REFUSED,
    RESOLVED,
    RETURNED,
    STOPPED,
    WITHDRAWN,
    Dossier,
    corrections,
    standing,
)
from events.dossiers.values import PAID_ONLINE
from projections import tallies
from projections import search
from projections.search import fold
from projections.engine import Projection, Rows, handles
from projections.tallies import DossierTallyRow


class DossierRow(SQLModel, table=True):
    __tablename__ = "dossier"
    # A period's receipts and results by procedure (``queries.tallies_by_procedure``)
    # read these two alone, never the table: each holds what those counts need.
    __table_args__ = (Index("ix_dossier_commune_received", "commune", "received_on",
                            "procedure_code", "refused_on"),
                      Index("ix_dossier_commune_resolved", "commune", "resolved_on",
                            "procedure_code", "due_date"),
                      Index("ix_dossier_commune_status", "commune", "status", "due_date"),
                      Index("ix_dossier_commune_code", "commune", "code", unique=True),
                      # The list, newest first, whole or by status, paged by the last
                      # row's (received_at, code) (``queries.find_dossiers``). Other
                      # filters read the first through: each index is rebuilt whole
                      # when a rebuild swaps the table in.
                      Index("ix_dossier_commune_list", "commune", "received_at", "code"),
                      Index("ix_dossier_commune_status_list", "commune", "status",
                            "received_at", "code"),
                      # The list sorted by due date or by applicant (by code: the
                      # unique index above), paged by the last row's (value, code).
                      Index("ix_dossier_commune_due_list", "commune", "due_date", "code"),
                      Index("ix_dossier_commune_applicant_list", "commune", "applicant_key",
                            "code"),
                      # For a period judged before its end: the dossiers that end after
                      # the day judged (``queries.dossier_counts``). Few rows have these.
                      *(Index(f"ix_dossier_commune_{column.removesuffix('_on')}", "commune",
                              column, sqlite_where=text(f"{column} IS NOT NULL"),
                              postgresql_where=text(f"{column} IS NOT NULL"))
                        for column in ("withdrawn_on", "stopped_on")))

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    code: str = Field(max_length=64)
    procedure_code: str = Field(max_length=64)
    applicant: str = Field(max_length=255)
    channel: str = Field(max_length=16)
    online_mode: str = Field(max_length=16)
    inter_agency: bool = False
    status: str = Field(max_length=16)
    received_at: datetime
    received_on: date
    due_date: date  # in force now: a supplement and a declared day off move it
    original_due_date: date  # set at receipt (or by a corrected receipt)
    due_before_supplement: date  # in force until the supplement arrived
    supplement_requested_on: date | None = None
    supplement_received_on: date | None = None
    appointment_date: date | None = None  # set by an apology; timeliness ignores it
    first_apology_on: date | None = None
    supplements: int = 0
    handovers: int = 0
    holder: str = Field(max_length=64)
    resolved_on: date | None = None
    digitised: bool = False
    e_certified: bool = False
    returned_on: date | None = None
    refused_on: date | None = None
    withdrawn_on: date | None = None
    stopped_on: date | None = None
    fee: int = Field(default=0, sa_type=BigInteger)
    fee_paid: int | None = Field(default=None, sa_type=BigInteger)
    paid_on: date | None = None  # the day the fee was paid
    paid_online: bool = False
    corrections: int = 0
    recorded_by: str = Field(max_length=64)
    source: str = Field(default="", max_length=255)
    # ``search.fold`` of the code and the applicant, indexed by trigrams by
    # the migration (``projections.search``).
    search_text: str = Field(default="", max_length=320)
    # The applicant as the list sorts by name (``applicant_key``): "Ánh"
    # beside "Anh", not after "Z".
    applicant_key: str = Field(default="", max_length=255)


# The columns ``standing.Facts`` is made of, in its order.
def applicant_key(applicant: str) -> str:
    """The name folded (``fold``), as the list sorts and pages by it; "~"
    separates a page key's parts (``queries.ListKey``), so it is a space here."""
    return fold(applicant).replace("~", " ")[:255]


FACT_COLUMNS = ("received_on", "channel", "online_mode", "due_date", "due_before_supplement",
                "supplement_requested_on", "supplement_received_on", "refused_on",
                "withdrawn_on", "stopped_on", "resolved_on", "returned_on", "digitised",
                "e_certified", "first_apology_on", "paid_on", "paid_online")
_facts = itemgetter(*FACT_COLUMNS)
Counted = tuple[str, standing.Facts]
TallyKey = tuple[str, str, date]


class DossierProjection(Projection):
    """The dossier rows, and the tallies they make (``counts``): after each
    page of events the engine hands over every row the page created or
    changed, as it stood before and after, and the tallies move by the
    difference of the two rows' ``tallies.changes``. Nothing is recounted.
    A migration that resets this projection's position empties both tables."""

    name = "dossiers"
    rebuild_cost = 15.0
    table: Table = DossierRow.__table__  # type: ignore[attr-defined]
    counts: Table = DossierTallyRow.__table__  # type: ignore[attr-defined]

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def swapped_in(self, conn: Connection) -> None:
        search.refill(conn, self.table.name)

    def counted(self, row: dict[str, Any]) -> Counted:
        return row["commune"], standing.Facts(*_facts(row))

    def recount(self, changed: Iterable[tuple[Counted | None, Counted]]
                ) -> dict[TallyKey, int]:
        # Dossiers often share their facts (a day's receipts of a procedure,
        # resolved together): each distinct one is cut into days once.
        pairs = list(changed)
        net = Counter(after for _before, after in pairs)
        net.subtract(before for before, _after in pairs if before is not None)
        by_commune: dict[str, dict[tuple[str, date], int]] = {}
        for (commune, facts), times in net.items():
            if times:
                deltas = by_commune.setdefault(commune, {})
                for key, n in tallies.changes(facts):
                    deltas[key] = deltas.get(key, 0) + times * n
        return {(commune, metric, day): n for commune, deltas in by_commune.items()
                for (metric, day), n in tallies.with_levels(deltas).items()}

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    @handles(Dossier.Received)
    def received(self, rows: Rows, e: Any) -> None:
        # Received times in the business zone, so that they sort as text too
        # (SQLite keeps them as text with their offset).
        local = e.occurred_at.astimezone(self.zone)
        # A dict literal, not keywords: this runs for every dossier in a rebuild.
        rows.insert_row(str(e.originator_id), {
            "commune": e.commune, "code": e.code, "procedure_code": e.procedure_code,
            "applicant": e.applicant, "channel": e.channel, "online_mode": e.online_mode,
            "inter_agency": e.inter_agency, "status": IN_PROGRESS,
            "received_at": local, "received_on": local.date(),
            "due_date": e.due_date, "original_due_date": e.due_date,
            "due_before_supplement": e.due_date, "supplement_requested_on": None,
            "supplement_received_on": None, "appointment_date": None,
            "first_apology_on": None, "supplements": 0, "handovers": 0, "holder": e.actor,
            "resolved_on": None, "digitised": False, "e_certified": False, "returned_on": None,
            "refused_on": None, "withdrawn_on": None, "stopped_on": None, "fee": e.fee,
            "fee_paid": None, "paid_on": None, "paid_online": False, "corrections": 0, "recorded_by": e.actor,
            "source": e.source[:255], "search_text": fold(f"{e.code} {e.applicant}"),
            "applicant_key": applicant_key(e.applicant)})

    @handles(Dossier.HandedOver)
    def handed_over(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], holder=e.to_user[:64], handovers=row["handovers"] + 1)

    @handles(Dossier.SupplementRequested)
    def supplement_requested(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], status=AWAITING_SUPPLEMENT, supplements=row["supplements"] + 1,
                    supplement_requested_on=self.day(e.occurred_at))

    @handles(Dossier.SupplementReceived)
    def supplement_received(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], status=IN_PROGRESS, due_date=e.new_due_date,
                    due_before_supplement=row["due_date"],
                    supplement_received_on=self.day(e.occurred_at))

    @handles(Dossier.DueDateMoved)
    def due_date_moved(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        before = row["due_before_supplement"] if row["supplement_received_on"] \
            else e.new_due_date
        rows.update(row["id"], due_date=e.new_due_date, due_before_supplement=before)

    @handles(Dossier.Refused)
    def refused(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=REFUSED, refused_on=self.day(e.occurred_at))

    @handles(Dossier.Withdrawn)
    def withdrawn(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=WITHDRAWN,
                    withdrawn_on=self.day(e.occurred_at))

    @handles(Dossier.Stopped)
    def stopped(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=STOPPED, stopped_on=self.day(e.occurred_at))

    @handles(Dossier.Resolved)
    def resolved(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=RESOLVED, resolved_on=self.day(e.occurred_at),
                    digitised=e.digitised, e_certified=e.e_certified)

    @handles(Dossier.Returned)
    def returned(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=RETURNED, returned_on=self.day(e.occurred_at))

    @handles(Dossier.Apologised)
    def apologised(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], appointment_date=e.new_appointment,
                    first_apology_on=row["first_apology_on"] or self.day(e.occurred_at))

    @handles(Dossier.FeePaid)
    def fee_paid(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), fee_paid=e.amount, paid_on=self.day(e.occurred_at),
                    paid_online=e.method == PAID_ONLINE)

    @handles(Dossier.Corrected)
    def corrected(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        values = self.corrected_columns(corrections.effect(e.corrected_kind, e.changes))
        if getattr(e, "due_date", None):
            values |= {"due_date": e.due_date,
                       "due_before_supplement": e.due_before_supplement or e.due_date}
            if e.corrected_kind == "Received":
                values["original_due_date"] = e.due_before_supplement or e.due_date
        if "applicant" in values:
            values["search_text"] = fold(f"{row['code']} {values['applicant']}")
            values["applicant_key"] = applicant_key(values["applicant"])
        rows.update(row["id"], corrections=row["corrections"] + 1, **values)

    def corrected_columns(self, effect: dict[str, Any]) -> dict[str, Any]:
        """A correction's effect (``corrections.effect``) as this table's columns."""
        columns: dict[str, Any] = {}
        for name, value in effect.items():
            if name == "received_at":
                local = value.astimezone(self.zone)
                columns |= {"received_at": local, "received_on": local.date()}
            elif name in ("resolved_at", "returned_at"):
                columns[name.replace("_at", "_on")] = self.day(value)
            elif name == "fee_amount":
                columns["fee_paid"] = value
            elif name == "payment_method":
                columns["paid_online"] = value == PAID_ONLINE
            else:
                columns[name] = value
        return columns
