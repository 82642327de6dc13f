"""Log-in throttling across real gunicorn workers: the count lives in the log,
not in any one process."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.live import PASSWORD, USER, serve

ACCESS_FORMAT = 'pid=%(p)s "%(r)s" %(s)s'


def attempt(url: str, password: str) -> tuple[int, str]:
    """One log-in from a fresh browser: fetch the form, post it."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{url}/login", timeout=30) as page:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          page.read().decode()).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"csrf_token": token, "name": USER, "password": password})
    try:
        with opener.open(f"{url}/login", data=form.encode(), timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_six_wrong_passwords_lock_the_account_across_two_workers(tmp_path: Path):
    with serve(tmp_path, ACCESS_FORMAT, workers=2) as server:
        # Sent three at a time, so that both workers are kept busy serving them.
        with ThreadPoolExecutor(3) as pool:
            wrong = list(pool.map(lambda n: attempt(server.url, f"sai-mat-khau-{n}"), range(6)))
        posts = [line for line in server.access_lines() if '"POST /login' in line]
        workers = {re.search(r"pid=<?(\d+)", line).group(1) for line in posts}  # type: ignore[union-attr]
        assert len(posts) == 6 and len(workers) == 2, posts
        assert all(status in (422, 429) for status, _ in wrong)
        assert any(status == 429 and "tạm khóa" in body for status, body in wrong)
        status, body = attempt(server.url, PASSWORD)
        assert status == 429 and "tạm khóa" in body
