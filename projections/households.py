"""The households stream's read models, each with its tallies kept by day:

- ``household``: a row per household; ``household_tally`` keeps registered and
  sorting by village as +1 / -1 changes on the days the runs of
  ``events.households.standing.spans`` begin and end, also on a row for the
  month and one for the year (as ``projections.tallies`` does for dossiers),
  so a figure at the end of a day sums at most a row a year of history, 11
  month rows and 31 day rows;
- ``household_check``: a row per check; ``household_check_tally`` counts
  checks and compliant ones by village and day;
- ``supply_movement``: a row per receipt or issue; ``supply_tally`` counts
  units received and issued by item, village and day;
- ``household_reference``: the villages and the supply items an admin added,
  one row per commune and kind;
- ``monitoring_group``: a row per village's group.

Rows of checks and movements are keyed by the event (aggregate id and
version): they are written once and never change."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Connection, Index, Table, Text
from sqlmodel import Field, SQLModel

from events.households import Household, MonitoringGroup, Stock, SupplyItems, Villages
from events.households.lifecycle import REGISTERED, SORTING, STOPPED
from events.households.standing import Facts, spans
from projections.engine import Projection, Rows, handles
from projections import search
from projections.search import fold

MONTH, YEAR = ":month", ":year"
HELD = (REGISTERED, SORTING)
CHECKS, COMPLIANT = "checks", "compliant"
RECEIVED, ISSUED = "received", "issued"


class HouseholdRow(SQLModel, table=True):
    __tablename__ = "household"
    __table_args__ = (Index("ix_household_commune_code", "commune", "code", unique=True),
                      Index("ix_household_commune_village", "commune", "village", "code"))

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    code: str = Field(max_length=64)
    village: str = Field(max_length=64)  # where it lives now
    head: str = Field(max_length=255)
    address: str = Field(max_length=255)
    status: str = Field(max_length=16)
    registered_on: date
    enrolled_on: date | None = None  # the spell in force, or the last
    stopped_on: date | None = None
    villages: str = Field(sa_type=Text)  # "village@day|…" (``standing.Facts.villages``)
    spells: str = Field(sa_type=Text)  # "day~day|day~|…" (``standing.Facts.spells``)
    checks: int = 0
    non_compliant: int = 0
    last_check_on: date | None = None
    search_text: str = Field(sa_type=Text)


class HouseholdTallyRow(SQLModel, table=True):
    __tablename__ = "household_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    village: str = Field(primary_key=True, max_length=64)
    count: int = Field(default=0, sa_type=BigInteger)


class HouseholdCheckRow(SQLModel, table=True):
    __tablename__ = "household_check"
    __table_args__ = (Index("ix_household_check_household", "commune", "household", "day"),)

    id: str = Field(primary_key=True, max_length=48)
    commune: str = Field(max_length=32)
    household: str = Field(max_length=64)
    village: str = Field(max_length=64)
    day: date
    compliant: bool
    note: str = Field(sa_type=Text)
    checker: str = Field(max_length=255)
    recorded_by: str = Field(max_length=64)


class HouseholdCheckTallyRow(SQLModel, table=True):
    __tablename__ = "household_check_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    village: str = Field(primary_key=True, max_length=64)
    count: int = Field(default=0, sa_type=BigInteger)


class SupplyMovementRow(SQLModel, table=True):
    __tablename__ = "supply_movement"
    __table_args__ = (Index("ix_supply_movement_commune_day", "commune", "day", "id"),)

    id: str = Field(primary_key=True, max_length=48)
    commune: str = Field(max_length=32)
    item: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # received | issued
    quantity: int = Field(sa_type=BigInteger)
    day: date
    village: str = Field(max_length=64)
    household: str = Field(max_length=64)
    party: str = Field(max_length=255)  # who gave (received) or who received (issued)
    document: str = Field(max_length=64)
    recorded_by: str = Field(max_length=64)


class SupplyTallyRow(SQLModel, table=True):
    __tablename__ = "supply_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    item: str = Field(primary_key=True, max_length=64)
    metric: str = Field(primary_key=True, max_length=16)
    day: date = Field(primary_key=True)
    village: str = Field(primary_key=True, max_length=64)
    count: int = Field(default=0, sa_type=BigInteger)


class HouseholdReferenceRow(SQLModel, table=True):
    __tablename__ = "household_reference"

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32, index=True)
    kind: str = Field(max_length=16)  # villages | items
    entries: str = Field(sa_type=Text)  # JSON: {code: [name, merged into or unit]}


class MonitoringGroupRow(SQLModel, table=True):
    __tablename__ = "monitoring_group"
    __table_args__ = (Index("ix_monitoring_group_commune_village", "commune", "village"),)

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    village: str = Field(max_length=64)
    responsible: str = Field(max_length=255)
    households: str = Field(sa_type=Text)  # codes, space-separated
    size: int = 0


# -- how the rows say a household's facts ----------------------------------------------

def facts_of(registered_on: date, villages: str, spells: str) -> Facts:
    stays = tuple((v, date.fromisoformat(d)) for v, d in
                  (part.rsplit("@", 1) for part in villages.split("|")))
    runs: list[tuple[date, date | None]] = []
    for part in spells.split("|") if spells else ():
        start, _, stop = part.partition("~")
        runs.append((date.fromisoformat(start), date.fromisoformat(stop) if stop else None))
    return Facts(registered_on, stays, tuple(runs))


def _stays(pairs: Iterable[tuple[str, date]]) -> str:
    return "|".join(f"{v}@{d.isoformat()}" for v, d in pairs)


def _spell(start: date, stop: date | None) -> str:
    return f"{start.isoformat()}~{stop.isoformat() if stop else ''}"


def held_changes(f: Facts) -> dict[tuple[str, date, str], int]:
    """What one household adds to ``household_tally``: (metric, day,
    village) → amount, day rows and their month and year rows."""
    out: dict[tuple[str, date, str], int] = {}
    for figure, village, first, after in spans(f):
        for day, n in ((first, 1), (after, -1)):
            if day is None:
                continue
            for key in ((figure, day, village),
                        (figure + MONTH, day.replace(day=1), village),
                        (figure + YEAR, day.replace(month=1, day=1), village)):
                out[key] = out.get(key, 0) + n
    return out


Counted = tuple[str, date, str, str]


class HouseholdProjection(Projection):
    name = "households"
    rebuild_cost = 4.5
    table: Table = HouseholdRow.__table__  # type: ignore[attr-defined]
    counts: Table = HouseholdTallyRow.__table__  # type: ignore[attr-defined]

    def swapped_in(self, conn: Connection) -> None:
        search.refill(conn, self.table.name)

    def counted(self, row: dict[str, Any]) -> Counted:
        return row["commune"], row["registered_on"], row["villages"], row["spells"]

    def recount(self, changed: Iterable[tuple[Counted | None, Counted]]
                ) -> dict[tuple[Any, ...], int]:
        out: dict[tuple[Any, ...], int] = {}
        for before, after in changed:
            for sign, counted in ((-1, before), (1, after)):
                if counted is None:
                    continue
                commune = counted[0]
                for (metric, day, village), n in held_changes(facts_of(*counted[1:])).items():
                    key = (commune, metric, day, village)
                    out[key] = out.get(key, 0) + sign * n
        return out

    @handles(Household.Registered)
    def registered(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, code=e.code, village=e.village,
                    head=e.head, address=e.address, status=REGISTERED,
                    registered_on=e.registered_on, enrolled_on=None, stopped_on=None,
                    villages=_stays([(e.village, e.registered_on)]), spells="", checks=0,
                    non_compliant=0, last_check_on=None,
                    search_text=fold(f"{e.code} {e.head} {e.address}"))

    @handles(Household.Enrolled)
    def enrolled(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        spells = "|".join(filter(None, (row["spells"], _spell(e.on, None))))
        rows.update(row["id"], status=SORTING, enrolled_on=e.on, stopped_on=None, spells=spells)

    @handles(Household.Stopped)
    def stopped(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        spells = row["spells"].split("|")
        spells[-1] = spells[-1] + e.on.isoformat()
        rows.update(row["id"], status=STOPPED, stopped_on=e.on, spells="|".join(spells))

    @handles(Household.Moved)
    def moved(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], village=e.village,
                    villages=row["villages"] + "|" + _stays([(e.village, e.on)]))

    @handles(Household.Corrected)
    def corrected(self, rows: Rows, e: Any) -> None:
        """The facts as the correction left them (``events.households.corrections``)."""
        row = rows.get(str(e.originator_id))
        last = e.spells[-1] if e.spells else (None, None)
        rows.update(row["id"], registered_on=date.fromisoformat(e.registered_on),
                    head=e.head, address=e.address,
                    villages="|".join(f"{v}@{d}" for v, d in e.villages),
                    spells="|".join(f"{s}~{t or ''}" for s, t in e.spells),
                    enrolled_on=date.fromisoformat(last[0]) if last[0] else None,
                    stopped_on=date.fromisoformat(last[1]) if last[1] else None,
                    search_text=fold(f"{row['code']} {e.head} {e.address}"))

    @handles(Household.Checked)
    def checked(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        last = row["last_check_on"]
        rows.update(row["id"], checks=row["checks"] + 1,
                    non_compliant=row["non_compliant"] + (not e.compliant),
                    last_check_on=e.on if last is None or e.on > last else last)


class HouseholdCheckProjection(Projection):
    name = "household_checks"
    rebuild_cost = 2.5
    one_row_per_event = True
    table: Table = HouseholdCheckRow.__table__  # type: ignore[attr-defined]
    counts: Table = HouseholdCheckTallyRow.__table__  # type: ignore[attr-defined]

    def counted(self, row: dict[str, Any]) -> tuple[str, date, str, bool]:
        return row["commune"], row["day"], row["village"], row["compliant"]

    def recount(self, changed: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, ...], int]:
        out: dict[tuple[Any, ...], int] = {}
        for _before, (commune, day, village, compliant) in changed:
            for metric in (CHECKS, COMPLIANT) if compliant else (CHECKS,):
                key = (commune, metric, day, village)
                out[key] = out.get(key, 0) + 1
        return out

    @handles(Household.Checked)
    def checked(self, rows: Rows, e: Any) -> None:
        rows.insert(f"{e.originator_id}/{e.originator_version}", commune=e.commune,
                    household=e.household, village=e.village, day=e.on,
                    compliant=e.compliant, note=e.note, checker=e.checker,
                    recorded_by=e.actor)


class SupplyProjection(Projection):
    name = "supplies"
    rebuild_cost = 0.8
    one_row_per_event = True
    table: Table = SupplyMovementRow.__table__  # type: ignore[attr-defined]
    counts: Table = SupplyTallyRow.__table__  # type: ignore[attr-defined]

    def counted(self, row: dict[str, Any]) -> tuple[str, str, str, date, str, int]:
        return (row["commune"], row["item"], row["kind"], row["day"], row["village"],
                row["quantity"])

    def recount(self, changed: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, ...], int]:
        out: dict[tuple[Any, ...], int] = {}
        for _before, (commune, item, kind, day, village, quantity) in changed:
            key = (commune, item, kind, day, village)
            out[key] = out.get(key, 0) + quantity
        return out

    @handles(Stock.Received)
    def received(self, rows: Rows, e: Any) -> None:
        self._movement(rows, e, RECEIVED, "", "", e.supplier, e.document)

    @handles(Stock.Issued)
    def issued(self, rows: Rows, e: Any) -> None:
        self._movement(rows, e, ISSUED, e.village, e.household, e.receiver, "")

    def _movement(self, rows: Rows, e: Any, kind: str, village: str, household: str,
                  party: str, document: str) -> None:
        rows.insert(f"{e.originator_id}/{e.originator_version}", commune=e.commune,
                    item=e.item, kind=kind, quantity=e.quantity, day=e.on, village=village,
                    household=household, party=party, document=document, recorded_by=e.actor)


class HouseholdReferenceProjection(Projection):
    """Villages as {code: [name, the village merged into or ""]}, items as
    {code: [name, unit]}."""

    name = "household_reference"
    table: Table = HouseholdReferenceRow.__table__  # type: ignore[attr-defined]

    @handles(Villages.Opened)
    def villages_opened(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, kind="villages", entries="{}")

    @handles(Villages.Added)
    def village_added(self, rows: Rows, e: Any) -> None:
        self._entry(rows, e, e.code, lambda _old: [e.name, ""])

    @handles(Villages.Renamed)
    def village_renamed(self, rows: Rows, e: Any) -> None:
        self._entry(rows, e, e.code, lambda old: [e.name, old[1]])

    @handles(Villages.Merged)
    def village_merged(self, rows: Rows, e: Any) -> None:
        self._entry(rows, e, e.code, lambda old: [old[0], e.into])

    @handles(SupplyItems.Opened)
    def items_opened(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, kind="items", entries="{}")

    @handles(SupplyItems.Added)
    def item_added(self, rows: Rows, e: Any) -> None:
        self._entry(rows, e, e.code, lambda _old: [e.name, e.unit])

    @staticmethod
    def _entry(rows: Rows, e: Any, code: str, change: Any) -> None:
        row = rows.get(str(e.originator_id))
        entries = json.loads(row["entries"])
        entries[code] = change(entries.get(code))
        rows.update(row["id"], entries=json.dumps(entries, ensure_ascii=False, sort_keys=True))


class MonitoringGroupProjection(Projection):
    name = "monitoring_groups"
    table: Table = MonitoringGroupRow.__table__  # type: ignore[attr-defined]

    @handles(MonitoringGroup.Formed)
    def formed(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, village=e.village,
                    **_members(e))

    @handles(MonitoringGroup.Changed)
    def changed(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), **_members(e))


def _members(e: Any) -> dict[str, Any]:
    return {"responsible": e.responsible, "households": " ".join(e.households),
            "size": len(e.households)}


def household_projections() -> list[Projection]:
    return [HouseholdProjection(), HouseholdCheckProjection(), SupplyProjection(),
            HouseholdReferenceProjection(), MonitoringGroupProjection()]
