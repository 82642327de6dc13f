"""The one-stop counter's printed forms, on A4: the receipt with its
appointment (Mẫu số 01), the slips a dossier's facts call for — a request
for a supplement (02), a refusal (03), an apology with a new appointment
(04) —, the control slip of a dossier's steps (Mẫu số 06) and the tracking
book of a period (Mẫu số 07)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import exports, service
from app.catalogue.qr import qr_inline
from app.formatting import CHANNEL_NAMES
from app.i18n import translated
from app.people.scope import selected_commune
from app.printing.story import SLIPS, BookLine, BookRows, Reader, Slip, Story, Tally, book_lines
from app.service import REQUEST_CATCH_UP_SECONDS
from app.web import now, zone
from events.dossiers import STATUS_NAMES, Dossier, deadlines
from events.people import staff_mentioned
from projections import queries
from projections.periods import BadPeriod, Period

bp = Blueprint("printing", __name__, url_prefix="/print")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"long_time": long_time, "long_day": long_day, "local_day": local_day,
            "STATUS_NAMES": STATUS_NAMES,
            "book_rows": BookRows(zone()),
            "printed_at": now()}


def long_time(moment: datetime) -> str:
    """As the forms write it: 09 giờ 30 phút, ngày 05 tháng 01 năm 2026."""
    local = moment.astimezone(zone())
    return f"{local:%H} giờ {local:%M} phút, {long_day(local.date())}"


def local_day(moment: datetime) -> date:
    """The day of a moment, in the commune's time zone."""
    return moment.astimezone(zone()).date()


def long_day(day: date) -> str:
    """A date as Nghị định 30/2020/NĐ-CP writes it in a document: a day below
    10 and the months 1 and 2 with a leading zero, other months without
    ("ngày 05 tháng 6 năm 2023", "ngày 15 tháng 02 năm 2023")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _story(code: str) -> tuple[Story, str]:
    """The dossier with this code in the user's communes, and the commune's
    name; another commune's dossier is not found, whatever the URL says."""
    with service().read() as conn:
        commune = queries.dossier_commune(conn, list(current_user.communes), code)
        name = queries.commune_name(conn, commune) if commune else None
    if commune is None:
        abort(404)
    events = list(service().ledger.events.get(Dossier.id_for(commune, code)))
    with service().read() as conn:
        staff = queries.staff_names(conn, staff_mentioned(events))
    return Reader(events, zone(), now().date(), staff).read(), name or commune


def _procedure(story: Story) -> queries.ProcedureListing | None:
    with service().read() as conn:
        return queries.procedure(conn, story.commune, story.procedure_code)


@bp.get("/dossiers/<path:code>/receipt")
def receipt(code: str):  # type: ignore[no-untyped-def]
    story, commune = _story(code)
    return render_template("printing/receipt.html", story=story, commune=commune,
                           procedure=_procedure(story),
                           qr=qr_inline(story.code, f"Mã QR của hồ sơ {story.code}"))


@bp.get("/dossiers/<path:code>/control")
def control_slip(code: str):  # type: ignore[no-untyped-def]
    story, commune = _story(code)
    return render_template("printing/control.html", story=story, commune=commune,
                           procedure=_procedure(story))


def _slip_view(slip: Slip):  # type: ignore[no-untyped-def]
    def view(code: str):  # type: ignore[no-untyped-def]
        story, commune = _story(code)
        if slip not in story.slips:
            message = _(slip.missing, code=story.code)
            return render_template("error.html", status=404, message=message), 404
        return render_template(f"printing/{slip.name}.html", story=story, commune=commune,
                               slip=slip, procedure=_procedure(story),
                               days_left=_days_left(story))
    return view


for _slip in SLIPS:
    bp.add_url_rule(f"/dossiers/<path:code>/{_slip.name}", endpoint=_slip.name,
                    view_func=_slip_view(_slip))


def _days_left(story: Story) -> int | None:
    """The working days the supplement request left on the clock, which
    continue once the supplement is complete (``deadlines``)."""
    asked = story.supplement
    if asked is None:
        return None
    calendar = service().ledger.work_calendar(story.commune)
    return deadlines.days_left_when_paused(asked.due, asked.at.astimezone(zone()).date(),
                                           calendar)


def _asked_period() -> tuple[str, Period]:
    """The book's period as asked (this year if none); a bad one raises
    ``BadPeriod``, which answers 400 (``_bad_period``)."""
    text = request.args.get("period", "").strip() or str(now().year)
    return text, Period.parse(text)


@bp.errorhandler(BadPeriod)
def _bad_period(error: BadPeriod):  # type: ignore[no-untyped-def]
    return render_template("error.html", status=400, message=translated(error.args[0])), 400


@bp.get("/book")
def book():  # type: ignore[no-untyped-def]
    text, period = _asked_period()
    commune, today = selected_commune(), now().date()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    with service().read() as conn:
        name = queries.commune_name(conn, commune) or commune

    def lines() -> Iterator[BookLine]:
        # Read while the page is sent: a year's book starts at once and
        # never sits whole in memory.
        with service().read() as conn:
            yield from book_lines(conn, commune, period, today)

    return Response(_buffered("printing/book.html", lines=lines(), period=period,
                              commune=name, period_text=text, tally=Tally()))


BOOK_HEADERS = ["STT", "Mã hồ sơ", "Mã thủ tục", "Thủ tục hành chính", "Người nộp", "Kênh",
                "Nhận hồ sơ", "Hẹn trả kết quả", "Hẹn lại", "Có kết quả", "Trả kết quả",
                "Tình trạng", "Ngày kết thúc", "Ghi chú (tiến độ)"]


@bp.get("/book.<any(xlsx, csv):kind>")
def export_book(kind: str):  # type: ignore[no-untyped-def]
    """The book of the period as a file: the lines the printed book has
    (``book_lines``), each cell in a column of its own."""
    text, period = _asked_period()
    commune, today = selected_commune(), now().date()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)

    def rows() -> Iterator[list[object]]:
        with service().read() as conn:
            for line in book_lines(conn, commune, period, today):
                yield [line.number, line.code, line.procedure_code, line.procedure_name,
                       line.applicant, CHANNEL_NAMES[line.channel], line.received_at,
                       line.due_date, line.appointment_date, line.resolved_on,
                       line.returned_on, STATUS_NAMES[line.status].capitalize(),
                       line.ended_on, line.note]

    return exports.answer(kind, f"so-theo-doi-ho-so-{text}",
                          f"Sổ theo dõi {text}", BOOK_HEADERS, rows())


BUFFERED_PIECES = 400  # of the template's output sent to the socket at once


def _buffered(template: str, **context: Any) -> Iterator[str]:
    """``stream_template``, but sending the output in blocks: streamed piece
    by piece, a month's book went to the socket in some 65,000 writes."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.update_template_context(context)
    stream = app.jinja_env.get_template(template).stream(context)
    stream.enable_buffering(BUFFERED_PIECES)
    return stream_with_context(stream)
