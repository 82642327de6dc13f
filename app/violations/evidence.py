"""Evidence files of the violations register: photos and scanned records
kept under the instance folder (or the ``EVIDENCE_FOLDER`` setting), each
named by its SHA-256, which the event records with its size and type.

A file is accepted only if its content says it is a PNG or JPEG image or a
PDF (its first bytes, whatever its name says) and it is not larger than
``MAX_BYTES``. Storing the same content twice keeps one file. A file whose
content no longer hashes to its name (altered or lost on disk) is flagged
on the violation's page."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from events.texts import N_

MAX_BYTES = 10 * 1024 * 1024
# What a file's first bytes say it is.
MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
         (b"%PDF-", "application/pdf"))
IMAGES = ("image/png", "image/jpeg")


class BadEvidence(ValueError):
    """A message for the uploader (to translate)."""


def folder() -> Path:
    configured = current_app.config.get("EVIDENCE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "evidence"


def content_type(data: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def checked(data: bytes) -> tuple[str, int, str]:
    """The file's SHA-256, size and type, or ``BadEvidence``."""
    if not data:
        raise BadEvidence(N_("Tệp rỗng."))
    if len(data) > MAX_BYTES:
        raise BadEvidence(N_("Tệp quá lớn: tối đa 10 MB."))
    kind = content_type(data)
    if kind is None:
        raise BadEvidence(N_("Chỉ nhận ảnh (PNG, JPEG) hoặc tệp PDF; nội dung tệp này không "
                             "phải ảnh hay PDF."))
    return hashlib.sha256(data).hexdigest(), len(data), kind


def path_of(sha256: str) -> Path:
    return folder() / sha256[:2] / sha256


def store(data: bytes) -> tuple[str, int, str]:
    """Keep the file under its hash (once) and say what it is."""
    sha256, size, kind = checked(data)
    target = path_of(sha256)
    if not intact(sha256):
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return sha256, size, kind


def intact(sha256: str) -> bool:
    """The file is there and its content still hashes to its name."""
    digest = hashlib.sha256()
    try:
        with path_of(sha256).open("rb") as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == sha256
