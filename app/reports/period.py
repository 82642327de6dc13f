"""The period report (CONTRACT.md's JSON), built from the projections.

Sections come with their capabilities: today ``dossiers`` and ``procedures``;
documents, households, violations and targets follow with theirs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection

from projections import household_queries, queries
from projections.periods import Period


def report_text(report: dict[str, Any]) -> str:
    """The report as ``report --format json`` prints it: the bytes an issued
    report's hash is taken over, and that "as known at" its issue gives back."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def period_report(conn: Connection, commune: str, period: Period, today: date) -> dict[str, Any]:
    counts = queries.dossier_counts(conn, commune, period, today)
    by_procedure = queries.tallies_by_procedure(conn, commune, period)
    return {
        "commune": {"code": commune, "name": queries.commune_name(conn, commune)},
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "dossiers": counts.as_json() | {
            "by_field": queries.tallies_by_field(by_procedure),
            "by_procedure": {t.procedure_code: {"name": t.name, "field": t.field,
                                                "received": t.received, "resolved": t.resolved,
                                                "late": t.late, "in_progress": t.in_progress}
                             for t in by_procedure},
        },
        "procedures": queries.procedure_counts(conn, commune),
        "documents": queries.document_counts(conn, commune, period),
        "targets": [{"indicator": t.indicator, "threshold": t.threshold, "actual": t.actual,
                     "met": t.met, "from": t.start.isoformat(), "to": t.end.isoformat(),
                     "document": t.document, "document_date": t.document_date.isoformat()}
                    for t in queries.targets_in_force(conn, commune, period, today)],
        "citizen_accounts": queries.accounts_opened(conn, commune, period),
        "feedback": queries.feedback_counts(conn, commune, period, today).as_json(),
    } | households_sections(conn, commune, period, today)


def households_sections(conn: Connection, commune: str, period: Period, today: date
                        ) -> dict[str, Any]:
    """``households`` as of the period's end (today if it has not ended),
    ``supplies`` over the period and ``violations``, per CONTRACT.md."""
    judged = Period(period.start, min(period.end, max(today, period.start)))
    figures = household_queries.household_figures(conn, commune, judged)
    return {
        "households": {"registered": figures.registered, "sorting": figures.sorting,
                       "sorting_rate": figures.sorting_rate,
                       "by_village": [{"village": v.name, "registered": v.registered,
                                       "sorting": v.sorting} for v in figures.by_village]},
        "supplies": [{"item": s.item, "received": s.received, "issued": s.issued,
                      "in_stock": s.in_stock, "by_village": s.by_village}
                     for s in household_queries.supply_figures(conn, commune, judged)],
        "violations": violations_section(conn, commune, judged),
    }


def violations_section(conn: Connection, commune: str, judged: Period) -> dict[str, Any]:
    """``violations`` per CONTRACT.md, as of the period's end (today if it has
    not ended), with the same figures by village (by name) added."""
    figures = queries.violation_figures(conn, commune, judged)
    names = household_queries.villages(conn, commune)
    order = {code: n for n, code in enumerate(names)}
    return figures.as_json() | {"by_village": [
        {"village": names[code].name if code in names else code} | counts
        for code, counts in sorted(figures.by_village.items(),
                                   key=lambda item: (order.get(item[0], len(order)), item[0]))]}
