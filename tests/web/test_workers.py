"""Log-in throttling across real gunicorn workers: the count lives in the log,
not in any one process."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.live import PASSWORD, USER, serve

# Each log-in carries its number in a header, so the access log tells which
# worker served which attempt and what it answered.
ACCESS_FORMAT = 'pid=%(p)s attempt=%({x-attempt}i)s "%(r)s" %(s)s'
LINE = re.compile(r'pid=<?(\d+)>? attempt=(\d+) "POST /login[^"]*" (\d{3})')


def attempt(url: str, password: str, number: int) -> tuple[int, str]:
    """One log-in from a fresh browser: fetch the form, post it."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{url}/login", timeout=30) as page:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          page.read().decode()).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"csrf_token": token, "name": USER, "password": password})
    request = urllib.request.Request(f"{url}/login", data=form.encode(),
                                     headers={"X-Attempt": str(number)})
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def served(server) -> dict[int, tuple[str, int]]:  # type: ignore[no-untyped-def]
    """attempt number → (worker pid, status), from the access log."""
    found = (LINE.search(line) for line in server.access_lines())
    return {int(m.group(2)): (m.group(1), int(m.group(3))) for m in found if m}


def test_six_wrong_passwords_lock_the_account_across_two_workers(tmp_path: Path):
    with serve(tmp_path, ACCESS_FORMAT, workers=2) as server:
        wrong = [attempt(server.url, f"sai-mat-khau-{n}", n) for n in range(6)]
        assert [status for status, _ in wrong][:4] == [422] * 4
        assert wrong[-1][0] == 429 and "tạm khóa" in wrong[-1][1]
        failures_by_worker = Counter(pid for pid, _ in served(server).values())
        # The right password, two at a time so both workers serve some, until a
        # worker that saw fewer than five failures itself refuses one: only a
        # count shared through the log can have locked it.
        with ThreadPoolExecutor(2) as pool:
            for batch in range(10):
                numbers = [100 + 2 * batch, 101 + 2 * batch]
                answers = list(pool.map(lambda n: attempt(server.url, PASSWORD, n), numbers))
                assert all(status == 429 and "tạm khóa" in body for status, body in answers)
                log = served(server)
                if any(failures_by_worker[log[n][0]] < 5 for n in numbers if n in log):
                    break
            else:
                raise AssertionError(f"one worker served every attempt: {served(server)}")
