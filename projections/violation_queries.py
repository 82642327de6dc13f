"""The violations register's queries (``queries`` re-exports them: pages read
through that module alone). A period's figures come from the tallies kept by
day (``projections.violations``): new and resolved sum the period's days;
legacy open sums, for the years begun before the period's first, the
violations open at its end over at most a row a year, 11 month rows and 31
day rows. The register pages by key."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Connection, Table, and_, cast, func, literal, or_, select, tuple_

from events.violations import KINDS, TARGET_KINDS
from events.violations.lifecycle import CLOSED
from projections import tallies
from projections.periods import Period
from projections.search import searched
from projections.violations import (
    NEW,
    OPEN,
    RESOLVED,
    ViolationEvidenceRow,
    ViolationRow,
    ViolationTallyRow,
)

VIOLATIONS: Table = ViolationRow.__table__  # type: ignore[attr-defined]
V = VIOLATIONS.c
VT = ViolationTallyRow.__table__.c  # type: ignore[attr-defined]
VE = ViolationEvidenceRow.__table__.c  # type: ignore[attr-defined]
FIGURES = (NEW, "legacy_open", RESOLVED)
PAGE_SIZE = 50


@dataclass(frozen=True)
class ViolationFigures:
    """``events.violations.standing.counts`` for a period, from the tallies."""

    new: int
    legacy_open: int
    resolved: int
    by_kind: dict[str, dict[str, int]]
    by_village: dict[str, dict[str, int]]  # village code → figures

    def as_json(self) -> dict[str, Any]:
        return {"new": self.new, "legacy_open": self.legacy_open, "resolved": self.resolved,
                "by_kind": self.by_kind}

    @property
    def new_in_target_kinds(self) -> int:
        return sum(self.by_kind[k][NEW] for k in TARGET_KINDS)


def violations_open_at(conn: Connection, commune: str, day: date, began_before: int
            ) -> Counter[tuple[str, str]]:
    """Violations detected by the end of ``day`` and not closed by then,
    begun before the year ``began_before``, by (kind, village)."""
    wanted = [and_(VT.metric == OPEN + suffix,
                   VT.day <= last if first is None else VT.day.between(first, last))
              for suffix, first, last in tallies.held_spans(day)]
    out: Counter[tuple[str, str]] = Counter()
    rows = conn.execute(select(VT.kind, VT.village, cast(func.sum(VT.count), BigInteger))
                        .where(VT.commune == commune, VT.began < began_before, or_(*wanted))
                        .group_by(VT.kind, VT.village))
    for kind, village, n in rows:
        out[(kind, village)] += int(n)
    return out


def violation_figures(conn: Connection, commune: str, period: Period) -> ViolationFigures:
    """New, legacy open and resolved for the period, as of its end, by kind and village."""
    by_kind = {k: dict.fromkeys(FIGURES, 0) for k in KINDS}
    by_village: dict[str, dict[str, int]] = {}

    def add(figure: str, kind: str, village: str, n: int) -> None:
        by_kind.setdefault(kind, dict.fromkeys(FIGURES, 0))[figure] += n
        by_village.setdefault(village, dict.fromkeys(FIGURES, 0))[figure] += n
    rows = conn.execute(select(VT.metric, VT.kind, VT.village,
                               cast(func.sum(VT.count), BigInteger))
                        .where(VT.commune == commune, VT.metric.in_((NEW, RESOLVED)),
                               VT.day.between(period.start, period.end))
                        .group_by(VT.metric, VT.kind, VT.village))
    for metric, kind, village, n in rows:
        add(metric, kind, village, int(n))
    for (kind, village), n in violations_open_at(conn, commune, period.end, period.start.year).items():
        add("legacy_open", kind, village, n)
    by_village = {v: f for v, f in by_village.items() if any(f.values())}
    return ViolationFigures(*(sum(f[name] for f in by_kind.values()) for name in FIGURES),
                            by_kind=by_kind, by_village=by_village)


def new_violations(conn: Connection, commune: str, period: Period) -> int:
    """The target's actual: new land and corridor violations in the period."""
    return violation_figures(conn, commune, period).new_in_target_kinds


@dataclass(frozen=True)
class ViolationFilter:
    """What the register shows: every criterion optional."""

    kind: str = ""
    village: str = ""
    new: bool | None = None  # new (begun the year detected) or legacy
    closed: bool | None = None
    overdue: bool = False
    search: str = ""


@dataclass(frozen=True)
class ViolationKey:
    """A row's place in the register (latest detected first): its day of
    detection and code; the "after" of the next page."""

    detected_on: date
    code: str

    def __str__(self) -> str:
        return f"{self.detected_on.isoformat()}~{self.code}"

    @classmethod
    def parse(cls, text: str) -> ViolationKey | None:
        day, _, code = text.partition("~")
        if not code or len(code) > 64:
            return None
        try:
            return cls(date.fromisoformat(day), code)
        except ValueError:
            return None


@dataclass(frozen=True)
class ViolationPage:
    rows: list[Any]
    after: ViolationKey | None  # the next page's, if there is one


def overdue_clause(today: date) -> Any:
    """A penalty's deadline passed, neither complied with nor enforced, not closed."""
    return and_(V.deadline < today, V.complied_on.is_(None), V.enforced_on.is_(None),
                V.closed_on.is_(None))


def _matching(commune: str, wanted: ViolationFilter, today: date) -> list[Any]:
    found: list[Any] = [V.commune == commune]
    if wanted.kind:
        found.append(V.kind == wanted.kind)
    if wanted.village:
        found.append(V.village == wanted.village)
    if wanted.new is not None:
        found.append(V.is_new.is_(wanted.new))
    if wanted.closed is not None:
        found.append(V.status == CLOSED if wanted.closed else V.status != CLOSED)
    if wanted.overdue:
        found.append(overdue_clause(today))
    if text := searched(wanted.search):
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found.append(V.search_text.like(pattern, escape="\\"))
    return found


_ORDER = (V.detected_on.desc(), V.code.desc())


def violation_page(conn: Connection, commune: str, wanted: ViolationFilter, today: date,
                   after: ViolationKey | None = None, size: int = PAGE_SIZE) -> ViolationPage:
    """One page of the register, latest detected first, from the row ``after`` on."""
    query = select(VIOLATIONS).where(*_matching(commune, wanted, today))
    if after is not None:
        query = query.where(tuple_(V.detected_on, V.code) <
                            tuple_(literal(after.detected_on, V.detected_on.type),
                                   literal(after.code, V.code.type)))
    rows = list(conn.execute(query.order_by(*_ORDER).limit(size + 1)).mappings())
    more, rows = len(rows) > size, rows[:size]
    last = rows[-1] if rows else None
    return ViolationPage(rows, ViolationKey(_day(last["detected_on"]), last["code"])
                         if more and last else None)


def violation_total(conn: Connection, commune: str, wanted: ViolationFilter, today: date
                    ) -> int:
    return int(conn.execute(select(func.count()).where(*_matching(commune, wanted, today))
                            ).scalar_one())


def violation_row(conn: Connection, commune: str, violation_id: str) -> Any | None:
    return conn.execute(select(VIOLATIONS).where(V.commune == commune,
                                                 V.id == violation_id[:36])).mappings().first()


def violation_coded(conn: Connection, commune: str, code: str) -> Any | None:
    return conn.execute(select(VIOLATIONS).where(V.commune == commune, V.code == code[:64])
                        ).mappings().first()


def violation_codes(conn: Connection, commune: str) -> dict[str, Any]:
    """Every violation of the commune as recorded, by code (for an import)."""
    return {r["code"]: r for r in conn.execute(select(VIOLATIONS).where(
        V.commune == commune)).mappings()}


def violation_evidence(conn: Connection, commune: str, violation_id: str) -> list[Any]:
    return list(conn.execute(select(ViolationEvidenceRow.__table__).where(  # type: ignore[attr-defined]
        VE.commune == commune, VE.violation == violation_id[:36]).order_by(VE.step, VE.id)
    ).mappings())


def suggested_violation_code(conn: Connection, commune: str, year: int) -> str:
    """The next free ``VP-<year>-<n>``, for the detection form to offer."""
    prefix = f"VP-{year}-"
    codes = conn.execute(select(V.code).where(V.commune == commune,
                                              V.code.like(f"{prefix}%"))).scalars()
    numbers = [int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def overdue_violations(conn: Connection, commune: str, today: date) -> int:
    return int(conn.execute(select(func.count()).where(
        V.commune == commune, overdue_clause(today))).scalar_one())


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
