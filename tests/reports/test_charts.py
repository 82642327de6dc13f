"""The month-by-month charts of the printed report and the dashboard, drawn
as SVG on the server: each bar and the figure written on it say the tallies'
figure for its month and series, the figures the report counts; the chart
is one image with a title and a description, its figures in a table too."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from app import charts
from app.formatting import number, percent
from projections import household_queries, queries
from projections.periods import Period, months_of
from tests.reports import test_formats
from tests.reports.test_formats import PERIOD, _client, vn

# The demo commune and its half-year report, loaded once for this module too.
demo, report = test_formats.demo, test_formats.report

SVG = "{http://www.w3.org/2000/svg}"


def drawn(html: str) -> dict[str, ET.Element]:
    """Each chart's SVG in a page, by the chart's id."""
    found = {}
    for chart_id, svg in re.findall(r'<figure class="chart" id="([^"]+)">.*?(<svg .*?</svg>)',
                                    html, re.S):
        found[chart_id] = ET.fromstring(svg)
    return found


def bars(svg: ET.Element) -> dict[tuple[str, str], tuple[str, str | None, float]]:
    """(category, series) → (the bar's figure, the text written on it, its length)."""
    out = {}
    for category in svg.iter(f"{SVG}g"):
        if category.get("class") != "category":
            continue
        for bar in category.findall(f"{SVG}g"):
            text = bar.find(f"{SVG}text")
            out[(category.get("data-category"), bar.get("data-series"))] = (
                bar.get("data-value"), None if text is None else text.text,
                float(bar.find(f"{SVG}rect").get("width")))
    return out


def totals(svg: ET.Element) -> dict[str, str]:
    return {g.get("data-category"): t.text for g in svg.iter(f"{SVG}g")
            if g.get("class") == "category"
            for t in g.findall(f"{SVG}text") if t.get("class") == "total"}


def test_a_chart_s_bars_and_labels_say_its_figures_and_read_without_colour():
    chart = charts.Chart("c", "Tiêu đề", "Mô tả", [("2023-01", "01/2023"), ("2023-02", "02/2023")],
                         [charts.Series("a", "A & B"), charts.Series("b", "C"),
                          charts.Series("c", "D")], [[120, 30, 0], [1049, 0, 7]],
                         category_header="Tháng", total_label="Tổng")
    figure = str(charts.figure(chart, number))
    svg = drawn(figure)["c"]
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Tiêu đề" and svg.find(f"{SVG}desc").text == "Mô tả"
    found = bars(svg)
    assert {k: v[0] for k, v in found.items()} == {
        ("2023-01", "a"): "120", ("2023-01", "b"): "30", ("2023-01", "c"): "0",
        ("2023-02", "a"): "1049", ("2023-02", "b"): "0", ("2023-02", "c"): "7"}
    assert found[("2023-02", "a")][1] == "1.049"          # written the Vietnamese way
    assert found[("2023-01", "c")][1] is None              # nothing written on an empty part
    # lengths in proportion: the longest bar is the largest total
    assert found[("2023-02", "a")][2] / found[("2023-01", "a")][2] == \
        pytest.approx(1049 / 120, rel=1e-3)
    assert totals(svg) == {"2023-01": "150", "2023-02": "1.056"}
    fills = {r.get("fill") for r in svg.iter(f"{SVG}rect") if r.get("height") == "12"}
    assert fills == {"#333", "#bbb", "url(#c-hatch)"}      # a shade or a hatching each
    assert '<div class="visually-hidden"><table><caption>Tiêu đề</caption>' in figure
    assert "<td>1.049</td><td>0</td><td>7</td><td>1.056</td>" in figure
    assert "A &amp; B" in figure


def test_the_report_charts_each_month_of_the_period_with_the_tallies_figures(demo, report):
    app, _runner, files = demo
    html = files["html"].read_text(encoding="utf-8")
    svgs = drawn(html)
    assert list(svgs) == ["report-received", "report-resolved", "report-sorting"]
    months = months_of(Period.parse(PERIOD))
    assert len(months) == 6
    with app.app_context():
        service = app.extensions["ledger"]
        with service.read() as conn:
            counts = [queries.dossier_counts(conn, "DEMO-QN", m, date(2023, 7, 1))
                      for m in months]
            villages = household_queries.sorting_by_village(conn, "DEMO-QN",
                                                            [m.end for m in months])
            june = household_queries.household_figures(conn, "DEMO-QN", months[-1])
    received, resolved = bars(svgs["report-received"]), bars(svgs["report-resolved"])
    for month, c in zip(months, counts, strict=True):
        key = month.start.strftime("%Y-%m")
        for channel, n in c.by_channel.items():
            assert received[(key, channel)][0] == str(n)
            assert received[(key, channel)][1] in (vn(n), None)
        assert totals(svgs["report-received"])[key] == vn(c.received)
        for figure in ("early", "on_time", "late"):
            assert resolved[(key, figure)][0] == str(getattr(c, figure))
        assert totals(svgs["report-resolved"])[key] == vn(c.resolved)
    # the months add up to the report's own figures for the period
    d = report["dossiers"]
    for channel, n in d["by_channel"].items():
        assert sum(int(received[(m.start.strftime("%Y-%m"), channel)][0]) for m in months) == n
    assert sum(int(v[0]) for (_m, s), v in resolved.items() if s == "late") == d["late"]
    # each village's rate at the month's end; at June's end, the report's
    sorting = bars(svgs["report-sorting"])
    for month, rows in zip(months, villages, strict=True):
        for v in rows:
            value, text, _length = sorting[(month.end.isoformat(), v.code)]
            assert float(value) == v.sorting_rate and text == percent(v.sorting_rate)
    assert [(v.name, v.sorting_rate) for v in june.by_village] == [
        (v.name, v.sorting_rate) for v in villages[-1]]
    assert {(b["village"], b["sorting"], b["registered"])
            for b in report["households"]["by_village"]} == {
        (v.name, v.sorting, v.registered) for v in villages[-1]}
    assert html.index('id="report-received"') > html.index('id="part-II"')
    assert html.index('id="report-sorting"') < html.index('id="part-III"')


def test_the_web_report_has_the_charts_but_not_as_known_at_a_moment(demo):
    client = _client(demo[0], "lanhdao")
    page = client.get(f"/reports/{PERIOD}.html").text
    assert list(drawn(page)) == ["report-received", "report-resolved", "report-sorting"]
    known = client.get(f"/reports/{PERIOD}.html?as_known_at=2023-06-16T15:30").text
    assert "<svg" not in known and "BÁO CÁO" in known
