"""Werkzeug's own error answers are replaced by the Vietnamese page, which
carries the security headers like every other answer."""

from __future__ import annotations


def test_a_405_is_the_vietnamese_page_with_its_headers(client):
    answer = client.post("/healthz")
    assert answer.status_code == 405
    assert "Trang này không nhận thao tác theo cách đó." in answer.text
    assert "Method Not Allowed" not in answer.text
    assert "GET" in answer.headers["Allow"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
