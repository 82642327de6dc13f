"""Timeliness: how a dossier stands against its due date, and the words the
official forms use for it ("quá hạn" for late, everywhere).

A resolved dossier is judged by the day its result was ready against the due
date: before it is early, on it on time, after it late. An apology sets a new
appointment for the citizen but changes nothing here. An open dossier is
overdue on a day after its due date, unless its clock is paused for a
supplement on that day."""

from __future__ import annotations

from datetime import date

from events.texts import N_

EARLY, ON_TIME, LATE = "truoc_han", "dung_han", "qua_han"
LABELS = {EARLY: N_("Trước hạn"), ON_TIME: N_("Đúng hạn"), LATE: N_("Quá hạn")}
OPEN_WITHIN, OPEN_OVERDUE, PAUSED = "trong_han", "dang_qua_han", "tam_dung"
OPEN_LABELS = {OPEN_WITHIN: "Chưa có kết quả, trong hạn",
               OPEN_OVERDUE: "Chưa có kết quả, quá hạn",
               PAUSED: "Chờ bổ sung, tạm dừng tính hạn"}


def judge(done: date, due: date) -> str:
    """Early, on time or late: the day the result was ready against the due date."""
    return EARLY if done < due else ON_TIME if done == due else LATE


def label(done: date, due: date) -> str:
    return LABELS[judge(done, due)]


def is_overdue(due: date | None, day: date) -> bool:
    """Open on ``day`` with this due date in force (None: clock paused)."""
    return due is not None and due < day


def open_state(due: date | None, day: date) -> str:
    if due is None:
        return PAUSED
    return OPEN_OVERDUE if is_overdue(due, day) else OPEN_WITHIN
