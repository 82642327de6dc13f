"""What every importer shares in reading a CSV file: its line errors and its
records with the physical line each starts on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class BadRow(Exception):
    """A row's problem, named by its column where it has one."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(f"cột {column}: {reason}" if column else reason)


def records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record not blank, with the physical line it starts on: a quoted
    cell may span lines, so the reader's count is taken before each record."""
    start = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            yield start, record
        start = reader.line_num + 1
