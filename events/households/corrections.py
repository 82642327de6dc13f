"""Corrections of a household's steps: what may be corrected, and how the
corrected history is checked again.

A correction names the event it corrects (by version) and a reason; both
stay in the log. The household's steps are replayed with the correction in
place and held to the rules every step meets when recorded (each field's
bounds, the order of the steps and their dates, ``lifecycle``), so a
correction that would leave a stop before its enrolment, a move before the
registration or a check before it is refused. The correction event carries
the household's facts as they stand after it (``standing.Facts``), which the
read model takes as they are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from events.errors import InvalidValue
from events.households import values
from events.texts import N_, Text

CORRECTABLE: dict[str, tuple[str, ...]] = {
    "Registered": ("registered_on", "head", "address"),
    "Enrolled": ("on",),
    "Stopped": ("on",),
    "Moved": ("on",),
}
DAYS = ("registered_on", "on")


def checked_changes(kind: str, changes: Any) -> dict[str, Any]:
    """The changes as recorded: days as ISO text, names checked."""
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidValue(N_("Hãy nêu điều cần sửa."), "changes")
    allowed = CORRECTABLE.get(kind, ())
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise InvalidValue(Text("Không sửa được «%(field)s» của bước này.",
                                    field=str(name)[:64]), "changes")
        if name in DAYS:
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise InvalidValue(N_("Ngày không hợp lệ."), name) from None
            out[name] = values.day(value, name).isoformat()
        elif name == "head":
            out[name] = values.name(value, "head", N_("Chủ hộ"))
        else:
            out[name] = values.optional(value, "address", N_("Địa chỉ"), values.MAX_NAME)
    return out


def replayed(events: Sequence[Any], version: int, changes: Mapping[str, Any]
             ) -> dict[str, Any]:
    """The household's facts with every correction so far and this one in
    place, every step's order checked again (``InvalidValue`` if not)."""
    merged: dict[int, dict[str, Any]] = {}
    for e in events:
        if type(e).__name__ == "Corrected":
            merged.setdefault(e.corrected_version, {}).update(e.changes)
    merged.setdefault(version, {}).update(changes)
    state: dict[str, Any] = {}
    for e in events:
        kind = type(e).__name__
        fields = {k: getattr(e, k) for k in CORRECTABLE.get(kind, ())}
        fields |= {k: date.fromisoformat(v) if k in DAYS else v
                   for k, v in merged.get(e.originator_version, {}).items()}
        _step(state, kind, e, fields)
    return {"registered_on": state["registered_on"].isoformat(),
            "head": state["head"], "address": state["address"],
            "villages": [[v, d.isoformat()] for v, d in state["villages"]],
            "spells": [[s.isoformat(), t.isoformat() if t else None]
                       for s, t in state["spells"]]}


def _step(state: dict[str, Any], kind: str, e: Any, fields: dict[str, Any]) -> None:
    if kind == "Registered":
        state |= {"registered_on": fields["registered_on"], "head": fields["head"],
                  "address": fields["address"], "spells": [],
                  "villages": [(e.village, fields["registered_on"])],
                  "last": fields["registered_on"]}
    elif kind in ("Enrolled", "Stopped"):
        _after(fields["on"], state["last"])
        if kind == "Enrolled":
            state["spells"].append((fields["on"], None))
        else:
            state["spells"][-1] = (state["spells"][-1][0], fields["on"])
        state["last"] = fields["on"]
    elif kind == "Moved":
        _after(fields["on"], state["villages"][-1][1], strictly=True)
        state["villages"].append((e.village, fields["on"]))
    elif kind == "Checked":
        _after(e.on, state["registered_on"])


def _facts(e: Any) -> dict[str, Any]:
    spells = [(date.fromisoformat(s), date.fromisoformat(t) if t else None)
              for s, t in e.spells]
    registered = date.fromisoformat(e.registered_on)
    last = max([registered, *(d for s, t in spells for d in (s, t) if d)])
    return {"registered_on": registered, "head": e.head, "address": e.address,
            "villages": [(v, date.fromisoformat(d)) for v, d in e.villages],
            "spells": spells, "last": last}


def _after(day: date, earlier: date, strictly: bool = False) -> None:
    if day < earlier or (strictly and day == earlier):
        raise InvalidValue(Text("Sau khi sửa, một bước của hộ sẽ có ngày trước bước liền "
                                "trước nó (%(day)s).", day=earlier.strftime("%d/%m/%Y")),
                           "changes")
