"""What the households' pages, the report and the targets read of the
households stream (``projections.households``): the door to its read models,
beside ``queries`` for the other streams. Figures as of a day come from the
tallies kept by day, summed over at most a row a year, 11 month rows and 31
day rows (registered, sorting), or over the period's days (checks, supplies).

A village merged into another counts in the one it was merged into."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, func, or_, select

from events.households import BUILT_IN_ITEMS
from events.households.lifecycle import REGISTERED, SORTING
from projections import search
from projections.households import (
    CHECKS,
    COMPLIANT,
    ISSUED,
    MONTH,
    RECEIVED,
    YEAR,
    HouseholdCheckTallyRow,
    HouseholdReferenceRow,
    HouseholdRow,
    HouseholdTallyRow,
    MonitoringGroupRow,
    SupplyMovementRow,
    SupplyTallyRow,
)
from projections.periods import Period

ONE_DAY = timedelta(days=1)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    merged_into: str  # "" unless merged


def villages(conn: Connection, commune: str) -> dict[str, Village]:
    """Every village the commune recorded, merged ones too, by code, in the
    order of their names."""
    entries = _reference(conn, commune, "villages")
    found = [Village(code, name, into) for code, (name, into) in entries.items()]
    return {v.code: v for v in sorted(found, key=lambda v: (v.name.casefold(), v.code))}


def current_villages(conn: Connection, commune: str) -> dict[str, Village]:
    return {code: v for code, v in villages(conn, commune).items() if not v.merged_into}


def supply_items(conn: Connection, commune: str) -> dict[str, tuple[str, str]]:
    """Item code → (name, unit): the built-in ones, then those an admin added."""
    return dict(BUILT_IN_ITEMS) | {code: (name, unit) for code, (name, unit)
                                   in _reference(conn, commune, "items").items()}


def _reference(conn: Connection, commune: str, kind: str) -> dict[str, Any]:
    R = HouseholdReferenceRow
    entries = conn.execute(select(R.entries).where(R.commune == commune, R.kind == kind)
                           ).scalar()
    return json.loads(entries) if entries else {}


def by_village_name(counts: Mapping[str, int], known: dict[str, Village]) -> dict[str, int]:
    """Amounts by village code as the report shows them: by village name, in
    the order of the names (then codes), a code no village has as itself."""
    out: dict[str, int] = {}
    for name, _code, n in sorted(((known[code].name if code in known else code, code, n)
                                  for code, n in counts.items()),
                                 key=lambda row: (row[0].casefold(), row[1])):
        out[name] = out.get(name, 0) + n
    return out


def _survivor(known: dict[str, Village]) -> Any:
    def follow(code: str) -> str:
        seen = set()
        while code in known and known[code].merged_into and code not in seen:
            seen.add(code)
            code = known[code].merged_into
        return code
    return follow


def held_at(conn: Connection, commune: str, day: date) -> dict[str, Counter[str]]:
    """Registered and sorting by village (as recorded, merged ones apart)
    at the end of ``day`` (``events.households.standing``)."""
    T = HouseholdTallyRow
    first_of_year, first_of_month = day.replace(month=1, day=1), day.replace(day=1)
    spans = [("", first_of_month, day), (MONTH, first_of_year, first_of_month - ONE_DAY),
             (YEAR, None, first_of_year - ONE_DAY)]
    wanted = []
    for suffix, first, last in spans:
        if first is not None and last < first:
            continue
        metrics = [REGISTERED + suffix, SORTING + suffix]
        day_range = T.day <= last if first is None else T.day.between(first, last)
        wanted.append(and_(T.metric.in_(metrics), day_range))
    out: dict[str, Counter[str]] = {REGISTERED: Counter(), SORTING: Counter()}
    rows = conn.execute(select(T.metric, T.village, func.sum(T.count))
                        .where(T.commune == commune, or_(*wanted))
                        .group_by(T.metric, T.village))
    for metric, village, n in rows:
        out[metric.split(":")[0]][village] += int(n)
    return out


@dataclass(frozen=True)
class VillageFigures:
    code: str
    name: str
    registered: int = 0
    sorting: int = 0
    checks: int = 0
    compliant: int = 0
    issued: dict[str, int] = field(default_factory=dict)
    last_check_on: date | None = None

    @property
    def sorting_rate(self) -> float | None:
        return rate(self.sorting, self.registered)

    @property
    def non_compliant(self) -> int:
        return self.checks - self.compliant


@dataclass(frozen=True)
class HouseholdFigures:
    registered: int
    sorting: int
    checks: int
    compliant: int
    by_village: list[VillageFigures]

    @property
    def sorting_rate(self) -> float | None:
        return rate(self.sorting, self.registered)

    @property
    def compliance_rate(self) -> float | None:
        return rate(self.compliant, self.checks)


def household_figures(conn: Connection, commune: str, period: Period) -> HouseholdFigures:
    """Registered and sorting as of the period's end; checks (and compliant
    ones) and supplies issued in the period; per current village and in all."""
    known = villages(conn, commune)
    survivor = _survivor(known)
    held = held_at(conn, commune, period.end)
    checks = _summed(conn, HouseholdCheckTallyRow, commune, period)
    issued = _issued_by_village(conn, commune, period)
    last = _last_checks(conn, commune, period.end)
    per: dict[str, dict[str, Any]] = {c: {"issued": Counter()} for c, v in known.items()
                                      if not v.merged_into}
    for figure in (REGISTERED, SORTING):
        for village, n in held[figure].items():
            _in(per, survivor(village))[figure] = _in(per, survivor(village)).get(figure, 0) + n
    for (metric, village), n in checks.items():
        one = _in(per, survivor(village))
        one[metric] = one.get(metric, 0) + n
    for (item, village), n in issued.items():
        _in(per, survivor(village))["issued"][item] += n
    for village, day in last.items():
        one = _in(per, survivor(village))
        one["last"] = max(filter(None, (one.get("last"), day)))
    rows = [VillageFigures(code, known[code].name if code in known else code,
                           one.get(REGISTERED, 0), one.get(SORTING, 0), one.get(CHECKS, 0),
                           one.get(COMPLIANT, 0), dict(one["issued"]), one.get("last"))
            for code, one in per.items()]
    rows.sort(key=lambda v: (v.name.casefold(), v.code))
    return HouseholdFigures(sum(v.registered for v in rows), sum(v.sorting for v in rows),
                            sum(v.checks for v in rows), sum(v.compliant for v in rows), rows)


def _in(per: dict[str, dict[str, Any]], code: str) -> dict[str, Any]:
    return per.setdefault(code, {"issued": Counter()})


def _summed(conn: Connection, table: Any, commune: str, period: Period
            ) -> dict[tuple[str, str], int]:
    rows = conn.execute(select(table.metric, table.village, func.sum(table.count))
                        .where(table.commune == commune,
                               table.day.between(period.start, period.end))
                        .group_by(table.metric, table.village))
    return {(metric, village): int(n) for metric, village, n in rows}


def _issued_by_village(conn: Connection, commune: str, period: Period
                       ) -> dict[tuple[str, str], int]:
    S = SupplyTallyRow
    rows = conn.execute(select(S.item, S.village, func.sum(S.count))
                        .where(S.commune == commune, S.metric == ISSUED,
                               S.day.between(period.start, period.end))
                        .group_by(S.item, S.village))
    return {(item, village): int(n) for item, village, n in rows}


def _last_checks(conn: Connection, commune: str, day: date) -> dict[str, date]:
    C = HouseholdCheckTallyRow
    rows = conn.execute(select(C.village, func.max(C.day))
                        .where(C.commune == commune, C.metric == CHECKS, C.day <= day)
                        .group_by(C.village))
    return {village: last for village, last in rows}


@dataclass(frozen=True)
class SupplyFigures:
    item: str
    name: str
    unit: str
    received: int
    issued: int
    in_stock: int  # at the period's end
    by_village: dict[str, int]  # issued in the period, by village name


def supply_figures(conn: Connection, commune: str, period: Period) -> list[SupplyFigures]:
    """Per item: received and issued in the period, in stock at its end, and
    issued by village (current names; merged ones in their survivor)."""
    S = SupplyTallyRow
    known = villages(conn, commune)
    survivor = _survivor(known)
    items = supply_items(conn, commune)
    held = conn.execute(select(S.item, S.metric, func.sum(S.count))
                        .where(S.commune == commune, S.day <= period.end)
                        .group_by(S.item, S.metric)).all()
    moved = conn.execute(select(S.item, S.metric, S.village, func.sum(S.count))
                         .where(S.commune == commune, S.day.between(period.start, period.end))
                         .group_by(S.item, S.metric, S.village)).all()
    out = []
    for item, (name, unit) in items.items():
        stock = sum(int(n) if metric == RECEIVED else -int(n)
                    for code, metric, n in held if code == item)
        received = issued = 0
        by_village: Counter[str] = Counter()
        for code, metric, village, n in moved:
            if code != item:
                continue
            if metric == RECEIVED:
                received += int(n)
            else:
                issued += int(n)
                by_village[survivor(village)] += int(n)
        out.append(SupplyFigures(item, name, unit, received, issued, stock,
                                 by_village_name(by_village, known)))
    return out


def sorting_rate(conn: Connection, commune: str, day: date) -> float | None:
    """Households sorting / registered at the end of ``day``, in all."""
    held = held_at(conn, commune, day)
    return rate(sum(held[SORTING].values()), sum(held[REGISTERED].values()))


def sorting_by_village(conn: Connection, commune: str, days: list[date]
                       ) -> list[list[VillageFigures]]:
    """For each of ``days``: registered and sorting at its end per current
    village (a merged one in the village it joined), as ``household_figures``
    counts them as of a period's end, in the order of the villages' names."""
    known = villages(conn, commune)
    survivor = _survivor(known)
    out = []
    for day in days:
        held = held_at(conn, commune, day)
        per: dict[str, Counter[str]] = {c: Counter() for c, v in known.items()
                                        if not v.merged_into}
        for figure in (REGISTERED, SORTING):
            for village, n in held[figure].items():
                per.setdefault(survivor(village), Counter())[figure] += n
        rows = [VillageFigures(code, known[code].name if code in known else code,
                               one[REGISTERED], one[SORTING]) for code, one in per.items()]
        out.append(sorted(rows, key=lambda v: (v.name.casefold(), v.code)))
    return out

# -- the pages' lists ------------------------------------------------------------------

HOUSEHOLDS: Table = HouseholdRow.__table__  # type: ignore[attr-defined]
H = HOUSEHOLDS.c
MOVEMENTS: Table = SupplyMovementRow.__table__  # type: ignore[attr-defined]
GROUPS: Table = MonitoringGroupRow.__table__  # type: ignore[attr-defined]
PAGE_SIZE = 50


@dataclass(frozen=True)
class HouseholdFilter:
    """What the household list shows: every criterion optional."""

    village: str = ""  # where the household lives now, or a village merged into it
    status: str = ""
    search: str = ""


@dataclass(frozen=True)
class HouseholdPage:
    rows: list[Any]
    after: str | None  # the next page's first code comes after this one, if there is one


def _households_matching(conn: Connection, commune: str, wanted: HouseholdFilter
                         ) -> list[Any]:
    found: list[Any] = [H.commune == commune]
    if wanted.village:
        known = villages(conn, commune)
        survivor = _survivor(known)
        found.append(H.village.in_([code for code in known if survivor(code) == wanted.village]
                                   or [wanted.village]))
    if wanted.status:
        found.append(H.status == wanted.status)
    if text := search.searched(wanted.search):
        found.append(search.matches(conn, HOUSEHOLDS, "search_text", text))
    return found


def household_page(conn: Connection, commune: str, wanted: HouseholdFilter,
                   after: str = "", size: int = PAGE_SIZE) -> HouseholdPage:
    """One page of the list, by household code, from the code after ``after``."""
    query = select(HOUSEHOLDS).where(*_households_matching(conn, commune, wanted))
    if after:
        query = query.where(H.code > after)
    rows = list(conn.execute(query.order_by(H.code).limit(size + 1)).mappings())
    more, rows = len(rows) > size, rows[:size]
    return HouseholdPage(rows, rows[-1]["code"] if more and rows else None)


def household_count(conn: Connection, commune: str, wanted: HouseholdFilter) -> int:
    return int(conn.execute(select(func.count()).select_from(HOUSEHOLDS).where(
        *_households_matching(conn, commune, wanted))).scalar_one())


def every_household(conn: Connection, commune: str, wanted: HouseholdFilter) -> Iterator[Any]:
    query = select(HOUSEHOLDS).where(*_households_matching(conn, commune, wanted))
    yield from conn.execute(query.order_by(H.code).execution_options(yield_per=1000)).mappings()


def household(conn: Connection, commune: str, code: str) -> Any | None:
    return conn.execute(select(HOUSEHOLDS).where(H.commune == commune, H.code == code)
                        ).mappings().first()


def households_in(conn: Connection, commune: str, village: str) -> list[Any]:
    """The households living in ``village`` now, by code."""
    return list(conn.execute(select(HOUSEHOLDS).where(H.commune == commune,
                                                      H.village == village)
                             .order_by(H.code)).mappings())


def monitoring_groups(conn: Connection, commune: str) -> dict[str, Any]:
    """The villages' groups, by village code."""
    G = GROUPS.c
    return {row["village"]: row for row in
            conn.execute(select(GROUPS).where(G.commune == commune)).mappings()}


def supply_movements(conn: Connection, commune: str, limit: int = 100) -> list[Any]:
    """The latest receipts and issues, newest first."""
    M = MOVEMENTS.c
    return list(conn.execute(select(MOVEMENTS).where(M.commune == commune)
                             .order_by(M.day.desc(), M.id.desc()).limit(limit)).mappings())
