"""Signed checkpoints of the hash chain, in the C2SP signed-note form.

The note's text is three lines, the log's origin, its size (events in the
chain) and its head (the last event's hash, in base64), then a blank line and
one signature line: an em dash, the key's name, and base64 of the key's
4-byte id followed by the Ed25519 signature of the text. The key id is the
first four bytes of SHA-256(name, a newline, 0x01, the 32-byte public key),
as C2SP gives it for Ed25519 keys.

The key is ``LEDGER_SIGNING_KEY`` (a PEM private key, or its 32-byte seed in
hex or base64), or else generated once into ``instance/checkpoint_key``.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from app.security import write_private

ORIGIN = "commune-ledger"
KEY_FILE = "checkpoint_key"
DASH = "\u2014"


class BadCheckpoint(ValueError):
    """A checkpoint that is not one this ledger signed as it stands."""


@dataclass(frozen=True)
class Checkpoint:
    size: int
    head: bytes
    note: str


def signing_key(instance: Path) -> Ed25519PrivateKey:
    configured = os.environ.get("LEDGER_SIGNING_KEY", "").strip()
    if configured:
        return _parse_key(configured)
    path = instance / KEY_FILE
    if not path.exists():  # of two processes at once, the first one's key is kept
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        write_private(path, pem, replace=False)
    return _parse_key(path.read_text())


def _parse_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("LEDGER_SIGNING_KEY must be an Ed25519 private key")
        return key
    try:
        seed = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        seed = b""
    if len(seed) != 32:
        raise ValueError("LEDGER_SIGNING_KEY must be an Ed25519 private key in PEM, "
                         "or its 32-byte seed in hex or base64")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey, name: str = ORIGIN) -> bytes:
    return sha256(name.encode() + b"\n\x01" + _public_bytes(public)).digest()[:4]


def body(size: int, head: bytes) -> str:
    return f"{ORIGIN}\n{size}\n{base64.b64encode(head).decode()}\n"


def sign(key: Ed25519PrivateKey, size: int, head: bytes) -> Checkpoint:
    text = body(size, head)
    signature = key_id(key.public_key()) + key.sign(text.encode())
    note = f"{text}\n{DASH} {ORIGIN} {base64.b64encode(signature).decode()}\n"
    return Checkpoint(size, head, note)


def read(note: str, public: Ed25519PublicKey) -> Checkpoint:
    """The checkpoint a note holds, once its signature by ``public`` holds;
    ``BadCheckpoint`` saying why not otherwise."""
    text, blank, signatures = note.partition("\n\n")
    if not blank or not signatures:
        raise BadCheckpoint("không phải một điểm kiểm tra đã ký (thiếu dòng chữ ký)")
    text += "\n"
    lines = text.splitlines()
    if len(lines) < 3 or lines[0] != ORIGIN:
        raise BadCheckpoint(f"không phải điểm kiểm tra của sổ cái {ORIGIN}")
    wanted = key_id(public)
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != ORIGIN:
            continue
        try:
            signature = base64.b64decode(parts[2], validate=True)
        except (ValueError, binascii.Error):
            continue
        if signature[:4] != wanted:
            continue
        try:
            public.verify(signature[4:], text.encode())
        except InvalidSignature:
            raise BadCheckpoint("chữ ký không đúng") from None
        break
    else:
        raise BadCheckpoint("không có chữ ký bằng khóa của sổ cái này")
    try:
        size = int(lines[1])
        head = base64.b64decode(lines[2], validate=True)
    except (ValueError, binascii.Error):
        raise BadCheckpoint("cỡ hoặc đầu chuỗi không đọc được") from None
    if size < 0 or len(head) != 32 or not lines[1].isdecimal():
        raise BadCheckpoint("cỡ hoặc đầu chuỗi không đọc được")
    return Checkpoint(size, head, note)
