"""Signed checkpoints: the C2SP signed-note form, and a checkpoint that is
not exactly as the ledger signed it is refused, changing nothing."""

from __future__ import annotations

import base64
from hashlib import sha256

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit import checkpoints
from tests.audit.conftest import OTHER_SEED, SIGNING_SEED, Ledger
from tests.audit.test_chain import verified


def signed(ledger: Ledger, tmp_path) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    path = tmp_path / "checkpoint.txt"
    result = ledger.run("audit", "checkpoint", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == path.read_text(encoding="utf-8")
    return path.read_text(encoding="utf-8"), path


def stored(ledger: Ledger) -> int:
    with ledger.svc.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM audit_checkpoint").scalar_one()


def test_a_checkpoint_is_a_c2sp_signed_note_of_origin_size_and_head(ledger, tmp_path):
    ledger.record(3)
    events, head = verified(ledger)
    note, _ = signed(ledger, tmp_path)
    text, signature_line = note.split("\n\n")
    assert text == f"commune-ledger\n3\n{base64.b64encode(bytes.fromhex(head)).decode()}"
    dash, name, encoded = signature_line.strip().split(" ")
    assert (dash, name) == ("\u2014", "commune-ledger")
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(SIGNING_SEED)).public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signature = base64.b64decode(encoded)
    assert signature[:4] == sha256(b"commune-ledger\n\x01" + raw).digest()[:4]
    key.verify(signature[4:], (text + "\n").encode())  # raises if it does not hold
    assert stored(ledger) == 1


def test_a_checkpoint_altered_or_signed_by_another_key_is_refused(ledger, tmp_path, monkeypatch):
    ledger.record(3)
    note, path = signed(ledger, tmp_path)
    origin, size, head, rest = note.split("\n", 3)
    other_head = base64.b64encode(bytes(32)).decode()
    signature = rest.rsplit(" ", 1)[1]
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    other = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(OTHER_SEED))
    altered = {
        "signature": note.replace(signature, flipped),
        "size": "\n".join([origin, "2", head, rest]),
        "head": "\n".join([origin, size, other_head, rest]),
        "key": checkpoints.sign(other, 3, base64.b64decode(head)).note,
        "unsigned": f"{origin}\n{size}\n{head}\n",
    }
    for what, text in altered.items():
        path.write_text(text, encoding="utf-8")
        result = ledger.run("audit", "verify", "--checkpoint", str(path))
        assert result.exit_code == 1, (what, result.output)
        assert "bị từ chối" in result.output and "OK" not in result.output, what
    assert stored(ledger) == 1
    verified(ledger)


def test_a_stored_checkpoint_whose_signature_fails_breaks_verification(ledger, monkeypatch):
    ledger.record(3)
    assert ledger.run("audit", "checkpoint").exit_code == 0
    monkeypatch.setenv("LEDGER_SIGNING_KEY", OTHER_SEED)  # the key was changed, or the row forged
    result = ledger.run("audit", "verify")
    assert result.exit_code == 1
    assert result.output.startswith("BROKEN at 3: điểm kiểm tra số 1 bị từ chối")


def test_no_checkpoint_is_signed_over_a_broken_chain(ledger):
    ledger.record(4)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        ledger.delete(conn, f"{ledger.key} = 2")
    result = ledger.run("audit", "checkpoint")
    assert result.exit_code == 1 and result.output.startswith("BROKEN at 2: ")
    assert stored(ledger) == 0


def test_a_file_that_cannot_be_written_is_refused_before_anything_is_done(ledger, tmp_path):
    ledger.record(2)
    nowhere = str(tmp_path / "khong-co" / "tep.txt")
    for args in (["audit", "checkpoint", "-o", nowhere], ["audit", "export", nowhere],
                 ["backup", nowhere]):
        result = ledger.run(*args)
        assert result.exit_code == 1 and "Không ghi được" in result.output, (args, result.output)
    assert stored(ledger) == 0
