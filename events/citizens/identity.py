"""A citizen's ID number as the ledger keeps it: never in full.

The number is kept only as an HMAC-SHA-256 under a key held outside the log
(the instance's ``id_hash_key`` file or ``LEDGER_ID_HASH_KEY``), from which
the account's aggregate id is derived, so that the same citizen recorded
twice in a commune collides in the event store itself; and its last four
digits, for display. A plain hash would not do: a căn cước number has 12
digits opening with one of 63 province codes, so every number could be
hashed in minutes and the log read back. Without the key the keyed hash
names no one; a backup that keeps the log but loses the key can no longer
refuse a citizen recorded twice."""

from __future__ import annotations

import hashlib
import hmac


def keyed_hash(key: bytes, number: str) -> str:
    """The number's HMAC-SHA-256 under ``key``, in hex."""
    return hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()


def last_four(number: str) -> str:
    return number[-4:]


def masked(last: str) -> str:
    """How pages show a number: its last four digits only."""
    return f"••••{last}"
