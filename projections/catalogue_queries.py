"""Read functions over the procedure catalogue (to be folded into
``queries``, the only door pages and commands use to read projections)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import Connection, and_, distinct, func, select

from projections.catalogue import ProcedureRow

PR = ProcedureRow.__table__.c  # type: ignore[attr-defined]
_COLUMNS = (PR.code, PR.name, PR.field, PR.authority, PR.inter_agency, PR.working_days,
            PR.fee, PR.online_address, PR.abolished, PR.listed_at)


@dataclass(frozen=True)
class ProcedureListing:
    code: str
    name: str
    field: str
    authority: str
    inter_agency: bool
    working_days: int
    fee: int
    online_address: str
    abolished: bool
    listed_at: datetime

    @property
    def terms(self) -> dict[str, object]:
        return {"name": self.name, "field": self.field, "authority": self.authority,
                "inter_agency": self.inter_agency, "working_days": self.working_days,
                "fee": self.fee, "online_address": self.online_address}


def procedure(conn: Connection, commune: str, code: str) -> ProcedureListing | None:
    """One procedure of the commune by its code, abolished or not."""
    row = conn.execute(select(*_COLUMNS).where(PR.commune == commune, PR.code == code)).first()
    return ProcedureListing(*row) if row else None


def catalogue(conn: Connection, commune: str) -> dict[str, ProcedureListing]:
    """Every procedure ever listed in the commune, abolished ones too, by code."""
    rows = conn.execute(select(*_COLUMNS).where(PR.commune == commune))
    return {row.code: ProcedureListing(*row) for row in rows}


def procedures(conn: Connection, commune: str, search: str = "",
               with_qr: bool = False) -> list[ProcedureListing]:
    """Procedures in force, by field then code; ``search`` matches code, name
    or field, ignoring case and Vietnamese diacritics ("ho tich" finds "Hộ tịch")."""
    condition = and_(PR.commune == commune, PR.abolished.is_(False))
    if with_qr:
        condition = and_(condition, PR.online_address != "")
    rows = [ProcedureListing(*r) for r in conn.execute(select(*_COLUMNS).where(condition))]
    terms = fold(search).split()
    found = [r for r in rows if all(t in fold(f"{r.code} {r.name} {r.field}") for t in terms)]
    return sorted(found, key=lambda r: (fold(r.field), r.field, r.code))


def procedures_by_field(conn: Connection, commune: str, search: str = "",
                        with_qr: bool = False) -> list[tuple[str, list[ProcedureListing]]]:
    listed = procedures(conn, commune, search, with_qr)
    return [(field, list(group)) for field, group in groupby(listed, key=lambda r: r.field)]


def known_fields(conn: Connection, commune: str) -> list[str]:
    query = select(PR.field).distinct().where(PR.commune == commune, PR.abolished.is_(False))
    return sorted(conn.execute(query).scalars(), key=lambda f: (fold(f), f))


def procedure_counts(conn: Connection, commune: str) -> dict[str, int]:
    """The report's "procedures" section, over the procedures in force."""
    row = conn.execute(select(
        _count(PR.authority == "xa"), _count(PR.authority == "quan_su"),
        _count(PR.authority == "cong_an"), _count(PR.inter_agency.is_(True)),
        _count(PR.online_address != ""), func.count(distinct(PR.field)),
    ).where(PR.commune == commune, PR.abolished.is_(False))).one()
    keys = ("commune", "military", "police", "inter_agency", "with_qr", "fields")
    return dict(zip(keys, (int(n) for n in row), strict=True))


def _count(condition):  # type: ignore[no-untyped-def]
    return func.count().filter(condition)


def fold(text: str) -> str:
    """Lower case without diacritics: what a search box compares."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
