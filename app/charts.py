"""Charts drawn on the server as inline SVG, for the dashboard and the
printed report: no script, the same picture on screen and on paper.

A chart is horizontal bars, one row per category (a month), each either
stacked (received by channel: the parts add up to the month's total) or
grouped (one bar per series: a village's sorting rate). It reads without
colour: each series has its own shade or hatching, shown in the legend, and
every bar carries its figure as text beside or inside it. For a screen
reader the picture is one image with a title and a description, and the
figures follow in a table that only it reads.

Texts come in already in the language wanted (the report is always
Vietnamese); figures are written by the caller's ``shown``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from datetime import date

from markupsafe import Markup, escape

from app.formatting import CHANNEL_NAMES
from events.dossiers import timeliness
from events.dossiers.values import CHANNELS
from events.texts import N_
from projections.household_queries import VillageFigures
from projections.queries import MonthTally

WIDTH = 340          # the drawing's units; it is scaled to the width it has
LEFT = 58            # the categories' names
RIGHT = 48           # room for the figure after a bar
FONT = 11
ROW = 22             # a stacked row
BAR = 13             # a bar of a group
GAP = 8              # between two groups
# Fills that differ in black and white: dark, light, hatched, dotted, cross-hatched, white.
FILLS = ("#333", "#bbb", "url(#{id}-hatch)", "url(#{id}-dots)", "url(#{id}-cross)", "#fff")
DARK = {0}           # fills on which a figure is written in white


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Chart:
    """``values[i][j]``: category ``i``'s figure for series ``j``."""

    id: str
    title: str
    description: str
    categories: Sequence[tuple[str, str]]  # (key, label)
    series: Sequence[Series]
    values: Sequence[Sequence[float | None]]
    stacked: bool = True
    scale: float | None = None  # the figure a full bar stands for (the largest, if None)
    category_header: str = ""
    total_label: str = ""


def _text_width(text: str) -> float:
    return len(text) * FONT * 0.56


def _legend(chart: Chart) -> tuple[list[str], float]:
    """The legend's swatches and names, in rows that fit the width."""
    parts, x, y = [], 0.0, 0.0
    for n, one in enumerate(chart.series):
        width = 18 + _text_width(one.label) + 14
        if x and x + width > WIDTH:
            x, y = 0.0, y + 18
        fill = FILLS[n % len(FILLS)].format(id=chart.id)
        parts.append(f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="12" height="12" fill="{fill}" '
                     f'stroke="#222" stroke-width="0.75"/>'
                     f'<text x="{x + 17:.1f}" y="{y + 12:.1f}">{escape(one.label)}</text>')
        x += width
    return parts, y + 24


def _defs(chart_id: str) -> str:
    return (f'<defs><pattern id="{chart_id}-hatch" width="5" height="5" '
            f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="5" height="5" fill="#fff"/>'
            f'<line x1="0" y1="0" x2="0" y2="5" stroke="#333" stroke-width="1.6"/></pattern>'
            f'<pattern id="{chart_id}-dots" width="4" height="4" patternUnits="userSpaceOnUse">'
            f'<rect width="4" height="4" fill="#fff"/>'
            f'<circle cx="2" cy="2" r="0.9" fill="#333"/></pattern>'
            f'<pattern id="{chart_id}-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="#fff"/>'
            f'<path d="M0 0L6 6M6 0L0 6" stroke="#333" stroke-width="0.8"/></pattern></defs>')


def svg(chart: Chart, shown: Callable[[float | None], str]) -> Markup:
    legend, top = _legend(chart)
    totals = [sum(v or 0 for v in row) for row in chart.values]
    largest = chart.scale or max([*(totals if chart.stacked else
                                    (v or 0 for row in chart.values for v in row)), 0]) or 1
    span = WIDTH - LEFT - RIGHT
    body: list[str] = []
    y = top
    for (key, label), row, total in zip(chart.categories, chart.values, totals, strict=True):
        height = ROW if chart.stacked else BAR * len(chart.series)
        body.append(f'<g class="category" data-category="{escape(key)}">'
                    f'<text x="{LEFT - 6}" y="{y + height / 2 + FONT * 0.35:.1f}" '
                    f'text-anchor="end">{escape(label)}</text>')
        x = float(LEFT)
        for n, (one, value) in enumerate(zip(chart.series, row, strict=True)):
            width = span * (value or 0) / largest
            fill = FILLS[n % len(FILLS)].format(id=chart.id)
            bar_y, bar_h = (y + 2, ROW - 4) if chart.stacked else (y + n * BAR + 1, BAR - 2)
            text = shown(value)
            body.append(f'<g class="bar" data-series="{escape(one.key)}" '
                        f'data-value="{"" if value is None else value}">'
                        f'<rect x="{x:.2f}" y="{bar_y:.2f}" width="{width:.2f}" '
                        f'height="{bar_h:.2f}" fill="{fill}" stroke="#222" '
                        f'stroke-width="0.75"><title>{escape(one.label)}: {escape(text)}</title>'
                        f'</rect>')
            mid = bar_y + bar_h / 2 + FONT * 0.35
            if chart.stacked:
                if value and _text_width(text) + 4 <= width:
                    tone = ' fill="#fff"' if n % len(FILLS) in DARK else ' class="halo"'
                    body.append(f'<text x="{x + width / 2:.2f}" y="{mid:.2f}" '
                                f'text-anchor="middle"{tone}>{escape(text)}</text>')
                x += width
            else:
                body.append(f'<text x="{x + width + 3:.2f}" y="{mid:.2f}">{escape(text)}</text>')
            body.append('</g>')
        if chart.stacked:
            body.append(f'<text class="total" x="{x + 3:.2f}" y="{y + ROW / 2 + FONT * 0.35:.1f}"'
                        f' font-weight="bold">{escape(shown(total))}</text>')
        body.append('</g>')
        y += height + (0 if chart.stacked else GAP)
    height = y + 4
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-labelledby="{chart.id}-title {chart.id}-desc" '
        f'font-size="{FONT}" font-family="inherit" fill="#111">'
        f'<title id="{chart.id}-title">{escape(chart.title)}</title>'
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>'
        f'{_defs(chart.id)}<g class="legend">{"".join(legend)}</g>'
        f'{"".join(body)}</svg>')


def table(chart: Chart, shown: Callable[[float | None], str]) -> Markup:
    """The chart's figures as a table (for a screen reader)."""
    head = "".join(f'<th scope="col">{escape(s.label)}</th>' for s in chart.series)
    if chart.stacked and chart.total_label:
        head += f'<th scope="col">{escape(chart.total_label)}</th>'
    rows = []
    for (_key, label), row in zip(chart.categories, chart.values, strict=True):
        cells = "".join(f"<td>{escape(shown(v))}</td>" for v in row)
        if chart.stacked and chart.total_label:
            cells += f"<td>{escape(shown(sum(v or 0 for v in row)))}</td>"
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    # Hidden in a block: a table's box is as wide as its cells, whatever its width says.
    return Markup(f'<div class="visually-hidden"><table><caption>{escape(chart.title)}'
                  f'</caption><thead><tr><th scope="col">{escape(chart.category_header)}</th>'
                  f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def figure(chart: Chart, shown: Callable[[float | None], str]) -> Markup:
    """The chart with its title as a caption, and its table."""
    return Markup(f'<figure class="chart" id="{chart.id}">'
                  f'<figcaption aria-hidden="true">{escape(chart.title)}</figcaption>'
                  f'{svg(chart, shown)}{table(chart, shown)}</figure>')


def month_label(start_year: int, month: int) -> str:
    return f"{month:02d}/{start_year}"


# -- the charts of the dashboard and the report ---------------------------------------

RECEIVED_TITLE = N_("Hồ sơ tiếp nhận theo kênh, từng tháng")
RECEIVED_TEXT = N_("Mỗi tháng một thanh, chia theo kênh tiếp nhận; số hồ sơ ghi trên từng "
                   "phần, tổng số ở cuối thanh.")
RESOLVED_TITLE = N_("Hồ sơ đã giải quyết theo thời hạn, từng tháng")
RESOLVED_TEXT = N_("Mỗi tháng một thanh, chia thành giải quyết trước hạn, đúng hạn và quá "
                   "hạn; số hồ sơ ghi trên từng phần, tổng số ở cuối thanh.")
SORTING_TITLE = N_("Tỷ lệ hộ phân loại rác tại nguồn theo thôn, cuối mỗi tháng")
SORTING_TEXT = N_("Mỗi tháng một nhóm thanh, mỗi thôn một thanh; tỷ lệ ghi ở cuối thanh.")
MONTH, TOTAL = N_("Tháng"), N_("Tổng")
# The keys of ``MonthTally.by_timeliness``, by the domain's words.
TIMELINESS_KEYS = {"early": timeliness.EARLY, "on_time": timeliness.ON_TIME,
                   "late": timeliness.LATE}


def dossier_charts(months: Sequence[MonthTally], say: Callable[[str], str] = str,
                   prefix: str = "chart") -> tuple[Chart, Chart]:
    """Received by channel and resolved by timeliness, a bar per month."""
    categories = [(m.month.start.strftime("%Y-%m"), month_label(m.month.start.year,
                                                                m.month.start.month))
                  for m in months]
    common = {"categories": categories, "category_header": say(MONTH), "total_label": say(TOTAL)}
    received = Chart(f"{prefix}-received", say(RECEIVED_TITLE), say(RECEIVED_TEXT),
                     series=[Series(c, say(CHANNEL_NAMES[c])) for c in CHANNELS],
                     values=[[m.by_channel[c] for c in CHANNELS] for m in months], **common)
    resolved = Chart(f"{prefix}-resolved", say(RESOLVED_TITLE), say(RESOLVED_TEXT),
                     series=[Series(k, say(timeliness.LABELS[word]))
                             for k, word in TIMELINESS_KEYS.items()],
                     values=[[m.by_timeliness[k] for k in TIMELINESS_KEYS] for m in months],
                     **common)
    return received, resolved


def sorting_chart(days: Sequence[date], by_day: Sequence[Sequence[VillageFigures]],
                  say: Callable[[str], str] = str, prefix: str = "chart") -> Chart:
    """Each village's sorting rate at each month's end, a group per month."""
    names: dict[str, str] = {}
    for villages in by_day:
        for v in villages:
            names.setdefault(v.code, v.name)
    order = sorted(names, key=lambda code: (names[code].casefold(), code))
    values = []
    for villages in by_day:
        rates = {v.code: v.sorting_rate for v in villages}
        values.append([rates.get(code) for code in order])
    return Chart(f"{prefix}-sorting", say(SORTING_TITLE), say(SORTING_TEXT),
                 categories=[(d.isoformat(), month_label(d.year, d.month)) for d in days],
                 series=[Series(code, names[code]) for code in order], values=values,
                 stacked=False, scale=1.0, category_header=say(MONTH))
