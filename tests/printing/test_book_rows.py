"""The book's rows are written by a shortcut of their own (``BookRows``): a
day's text kept, a minute read from a table, names escaped a chunk at a
time. Each must print what the general rule prints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from app.formatting import day, local_time
from app.printing.story import BookLine, BookRows, escape_all
from events.dossiers import IN_PROGRESS

ZONES = st.sampled_from([ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("Europe/Paris"),
                         ZoneInfo("America/St_Johns"), ZoneInfo("UTC")])
MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31),
                       timezones=st.just(UTC))


@given(MOMENTS, ZONES)
def test_a_received_moment_reads_as_local_time_says(moment, zone):
    rows = BookRows(zone)
    assert rows.moment(moment) == local_time(moment, zone)
    assert rows.moment(moment) == local_time(moment, zone)  # once more, the day kept


@given(st.lists(st.text(max_size=30), max_size=40))
def test_names_escaped_together_read_as_each_escaped_alone(texts):
    assert escape_all(texts) == [str(escape(t)) for t in texts]


def test_a_row_escapes_what_the_applicant_typed():
    line = BookLine(7, 'A"1<', "1.0001", "Khai sinh", "<b>Lê & Cô</b>", "truc_tiep",
                    datetime(2025, 6, 2, 1, 30, tzinfo=UTC), date(2025, 6, 5), None, None,
                    None, None, IN_PROGRESS, "Đang giải quyết")
    rows = BookRows(ZoneInfo("Asia/Ho_Chi_Minh"))
    html = "".join(rows.chunks([line]))
    assert "&lt;b&gt;Lê &amp; Cô&lt;/b&gt;" in html and "<b>" not in html
    assert 'data-code="A&#34;1&lt;"' in html
    assert f"<td>{day(date(2025, 6, 2))} 08:30</td>" in html
    assert html == rows(line)  # the same row, escaped alone
