"""The period report recomputed straight from the event log, with no read
model: the stored events up to a position, read once in their order; the
aggregates the report counts replayed from them by their own ``apply``, as
the ledger replays one when it loads it; and every figure taken by its
stream's pure rule, the one the read models are tested against:
``events.dossiers.standing``, ``events.documents.standing``,
``events.households.standing`` and ``stock``, ``events.violations.standing``,
``events.citizens.answering``, ``events.catalogue.counts`` and
``events.targets.met``. The JSON is laid out as ``period`` lays out the
projections' report, so the two can be compared figure by figure
(``report --check``), and a report "as known at" a position held to this one.

A replay of the log costs seconds at a few hundred thousand events: for
checking, never for a page."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from sqlalchemy import Connection

from app.audit.chain import rows
from events import catalogue, topics
from events.catalogue import Procedure
from events.citizens import answering
from events.citizens.accounts import PortalAccount
from events.citizens.feedback import Feedback
from events.communes import Commune
from events.documents import standing as documents
from events.documents.aggregate import Document
from events.dossiers import Dossier
from events.dossiers import standing as dossiers
from events.households import BUILT_IN_ITEMS, Household, Stock, SupplyItems, Villages
from events.households import standing as households
from events.households import stock
from events.households.lifecycle import REGISTERED, SORTING
from events.log import EventDecoder, upto_statement, uuid_ids
from events.targets import INDICATORS, Target, met
from events.violations import TARGET_KINDS
from events.violations import standing as violations
from events.violations.aggregate import Violation
from projections.household_queries import Village, _survivor, by_village_name, rate
from projections.engine import _no_cycle_collection
from projections.periods import Period
from projections.queries import (
    DossierCounts,
    ProcedureTally,
    dossier_actuals,
    shown_threshold,
    tallies_by_field,
)
from projections.violation_queries import FIGURES

COUNTED = (Commune, Procedure, Dossier, Document, Target, PortalAccount, Feedback, Villages,
           SupplyItems, Household, Stock, Violation)
# The dossier events whose days ``dossiers.Facts.of`` reads beside the aggregate.
DOSSIER_DAYS = (Dossier.Refused, Dossier.Withdrawn, Dossier.Stopped, Dossier.Apologised,
                Dossier.FeePaid)
INDICATOR_ORDER = {code: n for n, code in enumerate(INDICATORS)}


def counted_topics() -> set[str]:
    """Every topic an event of a counted aggregate may be stored under."""
    return {topic for aggregate in COUNTED for cls in vars(aggregate).values()
            if isinstance(cls, type) and issubclass(cls, DomainEvent)
            for topic, _cls in topics.known(cls)}


@dataclass
class Log:
    """What the log says up to ``position``: the counted aggregates by id,
    and the few events their figures read beside them."""

    position: int = 0
    aggregates: dict[UUID, Any] = field(default_factory=dict)
    dossier_days: dict[UUID, list[Any]] = field(default_factory=dict)
    issues: list[Any] = field(default_factory=list)  # Stock.Issued, for the villages

    def take(self, event: Any) -> None:
        key = event.originator_id
        self.aggregates[key] = event.mutate(self.aggregates.get(key))
        if isinstance(event, DOSSIER_DAYS):
            self.dossier_days.setdefault(key, []).append(event)
        elif isinstance(event, Stock.Issued):
            self.issues.append(event)

    def of(self, commune: str) -> dict[type, list[Any]]:
        """The commune's aggregates, by class."""
        out: dict[type, list[Any]] = defaultdict(list)
        for aggregate in self.aggregates.values():
            if aggregate.commune == commune:
                out[type(aggregate)].append(aggregate)
        return out


def read_log(conn: Connection, ledger: Application, upto: int | None = None) -> Log:
    """Every stored event up to the notification id ``upto`` (all if None),
    streamed in one statement, the counted ones decoded and replayed."""
    statement = upto_statement(ledger.recorder, conn.dialect.identifier_preparer.quote, upto)
    decoder = EventDecoder(ledger.mapper, uuid_ids(ledger.recorder))
    wanted, log = counted_topics(), Log()
    # The replayed aggregates live until the end: without the pause, the
    # cycle collector would scan them all again and again as they grow.
    with rows(conn, statement, "report_from_log") as found, _no_cycle_collection():
        for position, originator_id, version, topic, state in found:
            log.position = position
            if topic in wanted:
                log.take(decoder.decode(originator_id, version, topic, state))
    return log


def log_report(log: Log, commune: str, period: Period, today: date, zone: ZoneInfo
               ) -> dict[str, Any]:
    """The period report (the keys and values of ``period.period_report``)
    from what the log says."""
    mine = log.of(commune)
    # Households, supplies and violations as of the period's end, or today if it has not ended.
    judged = Period(period.start, min(period.end, max(today, period.start)))
    per_procedure = counts_by_procedure(mine[Dossier], log.dossier_days, period, today, zone)
    counts = DossierCounts(**summed(per_procedure.values(), period, today))
    documents_section = documents.counts((documents.Facts.of(d, zone) for d in mine[Document]),
                                         period.start, period.end)
    known = villages(mine[Villages])
    households_section = households_of(mine[Household], known, judged)
    violations_section = violations_of(mine[Violation], known, judged)
    accounts = sum(period.start <= a.opened_on <= period.end for a in mine[PortalAccount])
    actuals = dossier_actuals(counts) | {
        "signed_rate": documents_section["signed_rate"], "citizen_accounts": accounts,
        "new_violations": sum(violations_section["by_kind"][k]["new"] for k in TARGET_KINDS),
        "sorting_rate": households_section["sorting_rate"]}
    commune_name = next((c.name for c in mine[Commune]), None)
    return {
        "commune": {"code": commune, "name": commune_name},
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "dossiers": dossiers_section(counts, procedure_tallies(per_procedure,
                                                               mine[Procedure])),
        "procedures": catalogue.counts(mine[Procedure]),
        "documents": documents_section,
        "targets": targets_of(mine[Target], period, actuals),
        "citizen_accounts": accounts,
        "feedback": answering.counts((answering.Facts(f.received_on, f.due_date, f.answered_on)
                                      for f in mine[Feedback]), period.start, period.end, today),
        "households": households_section,
        "supplies": supplies_of(mine[Stock], mine[SupplyItems], log.issues, commune, known,
                                judged),
        "violations": violations_section,
    }


def dossiers_section(counts: DossierCounts, by_procedure: list[ProcedureTally]
                     ) -> dict[str, Any]:
    return counts.as_json() | {
        "by_field": tallies_by_field(by_procedure),
        "by_procedure": {t.procedure_code: {"name": t.name, "field": t.field,
                                            "received": t.received, "resolved": t.resolved,
                                            "late": t.late, "in_progress": t.in_progress}
                         for t in by_procedure}}


def counts_by_procedure(found: Iterable[Any], days: dict[UUID, list[Any]], period: Period,
                        today: date, zone: ZoneInfo) -> dict[str, dict[str, Any]]:
    """``dossiers.counts`` over each procedure's dossiers (by the procedure
    each is recorded under now, a correction's included)."""
    grouped: dict[str, list[dossiers.Facts]] = defaultdict(list)
    for d in found:
        grouped[d.procedure_code].append(dossiers.Facts.of(d, days.get(d.id, ()), zone))
    return {code: dossiers.counts(group, period.start, period.end, today)
            for code, group in grouped.items()}


def summed(parts: Iterable[dict[str, Any]], period: Period, today: date) -> dict[str, Any]:
    """The commune's counts: each of ``dossiers.counts``' figures counts
    dossiers one by one, so those of the procedures add up to them."""
    out = dossiers.counts((), period.start, period.end, today)
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict):
                for name, n in value.items():
                    out[key][name] = out[key].get(name, 0) + n
            else:
                out[key] += value
    return out


def procedure_tallies(per_procedure: dict[str, dict[str, Any]], listed: Iterable[Any]
                      ) -> list[ProcedureTally]:
    """Received, resolved, late and open at the end, per procedure with one
    of these figures, with its name and field from the catalogue."""
    terms = {p.code: (p.name, p.field) for p in listed}
    out = []
    for code, c in per_procedure.items():
        figures = (c["received"], c["resolved"], c["late"], c["in_progress"])
        if any(figures):
            out.append(ProcedureTally(code, *terms.get(code, ("", "")), *figures))
    return sorted(out, key=lambda t: (t.field, t.procedure_code))


def villages(found: list[Any]) -> dict[str, Village]:
    """The commune's villages, merged ones too, in the order of their names."""
    if not found:
        return {}
    names, merged = found[0].names, found[0].merged
    listed = [Village(code, name, merged.get(code, "")) for code, name in names.items()]
    return {v.code: v for v in sorted(listed, key=lambda v: (v.name.casefold(), v.code))}


def _name(known: dict[str, Village], code: str) -> str:
    return known[code].name if code in known else code


def households_of(found: Iterable[Any], known: dict[str, Village], judged: Period
                  ) -> dict[str, Any]:
    """Registered and sorting at the period's end, in all and per current
    village (a merged village's households in the one it joined)."""
    held = households.counts((h.facts() for h in found), judged.end)
    survivor = _survivor(known)
    per: dict[str, Counter[str]] = {c: Counter() for c, v in known.items() if not v.merged_into}
    for figure in (REGISTERED, SORTING):
        for village, n in held[figure].items():
            per.setdefault(survivor(village), Counter())[figure] += n
    shown = sorted(((_name(known, code), code, one) for code, one in per.items()),
                   key=lambda row: (row[0].casefold(), row[1]))
    registered = sum(one[REGISTERED] for one in per.values())
    sorting = sum(one[SORTING] for one in per.values())
    return {"registered": registered, "sorting": sorting, "sorting_rate": rate(sorting, registered),
            "by_village": [{"village": name, "registered": one[REGISTERED],
                            "sorting": one[SORTING]} for name, _code, one in shown]}


def supplies_of(stocks: Iterable[Any], added: list[Any], issues: Iterable[Any], commune: str,
                known: dict[str, Village], judged: Period) -> list[dict[str, Any]]:
    """Per item, the built-in ones first: received and issued in the period,
    in stock at its end (``stock.on``), issued by village name."""
    items = dict(BUILT_IN_ITEMS)
    if added:
        items |= {code: added[0].items[code] for code in sorted(added[0].items)}
    movements = {s.item: s.movements for s in stocks}
    survivor = _survivor(known)
    by_village: dict[str, Counter[str]] = defaultdict(Counter)
    for e in issues:
        if e.commune == commune and judged.start <= e.on <= judged.end:
            by_village[e.item][survivor(e.village)] += e.quantity
    out = []
    for item in items:
        moved = [n for day, n in movements.get(item, ()) if judged.start <= day <= judged.end]
        out.append({"item": item, "received": sum(n for n in moved if n > 0),
                    "issued": -sum(n for n in moved if n < 0),
                    "in_stock": stock.on(movements.get(item, ()), judged.end),
                    "by_village": by_village_name(by_village[item], known)})
    return out


def violations_of(found: Iterable[Any], known: dict[str, Village], judged: Period
                  ) -> dict[str, Any]:
    """``violations.counts`` as the report lays it out: every kind with its
    three figures, and the villages with one, in the order of their names."""
    c = violations.counts((violations.Facts.of(v) for v in found), judged.start, judged.end)
    order = {code: n for n, code in enumerate(known)}
    return {"new": c["new"], "legacy_open": c["legacy_open"], "resolved": c["resolved"],
            "by_kind": {kind: {f: n[f] for f in FIGURES} for kind, n in c["by_kind"].items()},
            "by_village": [{"village": _name(known, code)} | {f: n[f] for f in FIGURES}
                           for code, n in sorted(c["by_village"].items(), key=lambda item: (
                               order.get(item[0], len(order)), item[0]))]}


def targets_of(found: Iterable[Any], period: Period, actuals: dict[str, Any]
               ) -> list[dict[str, Any]]:
    """The targets in force over the whole period, each judged by ``met``."""
    chosen = sorted((t for t in found if not t.withdrawn and t.start <= period.start
                     and t.end >= period.end),
                    key=lambda t: (INDICATOR_ORDER[t.indicator], t.start, t.end))
    out = []
    for t in chosen:
        threshold, actual = shown_threshold(t.indicator, t.threshold), actuals[t.indicator]
        out.append({"indicator": t.indicator, "threshold": threshold, "actual": actual,
                    "met": met(t.indicator, actual, threshold), "from": t.start.isoformat(),
                    "to": t.end.isoformat(), "document": t.document,
                    "document_date": t.document_date.isoformat()})
    return out
