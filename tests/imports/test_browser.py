"""The upload page in a real browser against gunicorn with two workers: the
file goes up through htmx, and the progress line, polled every second from
whichever worker answers, counts up to the end without a page load."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.import_bench import generate_rows, write_file
from tests.browser.conftest import ACCESS_FORMAT
from tests.live import PASSWORD, USER, LiveServer, serve

pytestmark = pytest.mark.browser
ROWS = 3000


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("live-import"), ACCESS_FORMAT) as server:
        yield server


def test_an_upload_shows_live_progress_then_the_summary(page: Page, live_server: LiveServer,
                                                        tmp_path: Path) -> None:
    # The live server's catalogue lists one procedure, 1.001234.
    path = write_file(tmp_path / "ho-so-2023.csv", list(generate_rows(ROWS, ("1.001234",))))
    page.goto(f"{live_server.url}/login")
    page.locator('input[name="name"]').fill(USER)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.goto(f"{live_server.url}/imports")
    page.evaluate("window.__marker = 1")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    status = page.locator("#import-job [role=status]")
    expect(status).to_contain_text("Đã xử lý")
    expect(status).to_contain_text("Đã xử lý 3.000/3.000 dòng", timeout=60_000)
    expect(page.locator("#import-job .ok")).to_contain_text(
        "Đã nhập ho-so-2023.csv: 3.000 hồ sơ mới")
    assert page.evaluate("window.__marker") == 1, "the page was loaded again"
    polls = [line for line in live_server.access_lines() if "/imports/progress?job=" in line]
    assert polls and all('" 200 ' in line for line in polls)
