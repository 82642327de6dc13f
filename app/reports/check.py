"""``report PERIOD --check``: the projections' report (``period``) held to
the one recomputed straight from the event log (``from_log``), figure by
figure. Each figure is named by its JSON path (``dossiers.received``,
``supplies[nap_day].in_stock``, ``households.by_village[Mạc].sorting``); a
figure one side has and the other lacks is a disagreement too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.audit.chain import snapshot
from app.reports.from_log import log_report, read_log
from app.reports.period import period_report
from app.service import LedgerService
from projections.engine import POSITIONS
from projections.periods import Period

MISSING = object()
# What names an entry of a list in a path: its item, village or indicator.
LABELS = ("item", "village", "indicator")


@dataclass(frozen=True)
class Disagreement:
    path: str
    projected: Any
    logged: Any

    def line(self) -> str:
        return (f"{self.path}: bảng tổng hợp {_shown(self.projected)}, "
                f"nhật ký sự kiện {_shown(self.logged)}")


@dataclass(frozen=True)
class Checked:
    period: Period
    position: int  # the last event both reports count
    compared: int
    disagreements: list[Disagreement]

    @property
    def ok(self) -> bool:
        return not self.disagreements

    def lines(self) -> list[str]:
        if self.ok:
            return [f"OK {self.compared} số liệu của báo cáo {self.period} khớp với nhật ký "
                    f"sự kiện (đến sự kiện số {self.position})."]
        return [d.line() for d in self.disagreements] + [
            f"LỆCH {len(self.disagreements)}/{self.compared} số liệu của báo cáo "
            f"{self.period} giữa bảng tổng hợp và nhật ký sự kiện (đến sự kiện số "
            f"{self.position})."]


def checked(service: LedgerService, commune: str, period: Period, today: date) -> Checked:
    """Both reports, as one snapshot of the database sees the log and the
    read models: the read models caught up first, the log read up to the
    lowest position any of them stands at in that snapshot."""
    service.catch_up()
    with snapshot(service) as conn:
        position = conn.execute(select(func.min(POSITIONS.c.position)).where(
            POSITIONS.c.name.in_(list(service.engine.projections)))).scalar() or 0
        projected = period_report(conn, commune, period, today)
        log = read_log(conn, service.ledger, position)
    logged = log_report(log, commune, period, today, service.ledger.zone)
    return compare(projected, logged, period, position)


def compare(projected: dict[str, Any], logged: dict[str, Any], period: Period,
            position: int) -> Checked:
    ours, theirs = dict(figures(projected)), dict(figures(logged))
    paths = list(ours) + [p for p in theirs if p not in ours]
    found = [Disagreement(p, ours.get(p, MISSING), theirs.get(p, MISSING)) for p in paths
             if _json(ours.get(p, MISSING)) != _json(theirs.get(p, MISSING))]
    return Checked(period, position, len(paths), found)


def figures(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every figure of a report, by its path; a list's entries by what they
    name (by place when two would have the same name)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from figures(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        names = [_label(item, n) for n, item in enumerate(value)]
        if len(set(names)) < len(names):
            names = [str(n) for n in range(len(value))]
        for name, item in zip(names, value, strict=True):
            yield from figures(item, f"{path}[{name}]")
    else:
        yield path, value


def _label(item: Any, place: int) -> str:
    if isinstance(item, dict):
        if "indicator" in item:
            return f"{item['indicator']} {item.get('from')}..{item.get('to')}"
        for key in LABELS:
            if key in item:
                return str(item[key])
    return str(place)


def _json(value: Any) -> str:
    """A figure as the report's JSON writes it: 1 and 1.0 differ, as do 1 and true."""
    return "" if value is MISSING else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _shown(value: Any) -> str:
    return "(không có)" if value is MISSING else _json(value)
