"""The procedure catalogue (danh mục thủ tục hành chính) of a commune.

A procedure is listed once under its national code, amended as the
catalogue changes over time, and abolished when it no longer applies; its
events stay in the log, so what the catalogue said at any moment can be
replayed. Its online service address is what the counter's QR codes encode.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from events.base import CONTROL_CHARACTERS, LedgerAggregate, checked_identifier, stable_id
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.texts import N_, Text, term

AUTHORITIES = ("xa", "quan_su", "cong_an")
TERMS = ("name", "field", "authority", "inter_agency", "working_days", "fee", "online_address")

# The bounds keep every value inside the projection's columns, so no listed
# procedure can stop the projection on PostgreSQL.
MAX_NAME, MAX_FIELD, MAX_ADDRESS, MAX_REASON = 1000, 255, 1000, 1000
MAX_WORKING_DAYS, MAX_FEE = 1000, 10**12


class Procedure(LedgerAggregate):
    """One administrative procedure (thủ tục hành chính) in a commune's catalogue."""

    @staticmethod
    def id_for(commune: str, code: str) -> UUID:
        return stable_id("procedure", commune, code)

    class Listed(LedgerAggregate.Event, Aggregate.Created):
        code: str
        name: str
        field: str
        authority: str
        inter_agency: bool
        working_days: int
        fee: int
        online_address: str

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.code = self.code
            aggregate.abolished = False
            _take_terms(aggregate, self)

    class Amended(LedgerAggregate.Event):
        name: str
        field: str
        authority: str
        inter_agency: bool
        working_days: int
        fee: int
        online_address: str

        def apply(self, aggregate: Any) -> None:
            _take_terms(aggregate, self)

    class Abolished(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.abolished = True

    @classmethod
    def catalogue(cls, commune: str, code: str, name: str, field: str, authority: str,
                  inter_agency: bool, working_days: int, fee: int,
                  online_address: str) -> Procedure:
        """List a new procedure under ``code``."""
        code = checked_code(code)
        terms = checked_terms(name, field, authority, inter_agency, working_days, fee,
                              online_address)
        return cls._start(cls.Listed, cls.id_for(commune, code), commune, None,
                          code=code, **terms)

    @property
    def terms(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TERMS}

    def amend(self, name: str, field: str, authority: str, inter_agency: bool,
              working_days: int, fee: int, online_address: str) -> None:
        self._check_in_force(N_("sửa"))
        terms = checked_terms(name, field, authority, inter_agency, working_days, fee,
                              online_address)
        if terms == self.terms:
            raise InvalidValue(N_("Thông tin mới giống hệt thông tin đang có; không có gì để sửa."))
        self._record(self.Amended, **terms)

    def abolish(self, reason: str) -> None:
        self._check_in_force(N_("bãi bỏ"))
        reason = _required(reason, N_("Hãy nêu lý do bãi bỏ."), "reason", MAX_REASON)
        self._record(self.Abolished, reason=reason)

    def _check_in_force(self, action: str) -> None:
        if self.abolished:
            raise InvalidTransition(Text(
                "Thủ tục %(code)s đã bị bãi bỏ nên không thể %(action)s.", code=self.code,
                action=term(action)), "code")


def _take_terms(aggregate: Any, event: Any) -> None:
    for name in TERMS:
        setattr(aggregate, name, getattr(event, name))


# -- the rules ----------------------------------------------------------------

AUTHORITY_KEYS = {"xa": "commune", "quan_su": "military", "cong_an": "police"}


def counts(procedures: Iterable[Any]) -> dict[str, int]:
    """The report's ``procedures`` section, over the procedures in force
    (not abolished): by authority (its key in the report), inter-agency, with
    an online service address (a QR code at the counter), and the fields
    they cover."""
    out = dict.fromkeys((*AUTHORITY_KEYS.values(), "inter_agency", "with_qr", "fields"), 0)
    fields = set()
    for p in procedures:
        if p.abolished:
            continue
        if p.authority in AUTHORITY_KEYS:
            out[AUTHORITY_KEYS[p.authority]] += 1
        out["inter_agency"] += bool(p.inter_agency)
        out["with_qr"] += p.online_address != ""
        fields.add(p.field)
    out["fields"] = len(fields)
    return out


def checked_code(code: str) -> str:
    return checked_identifier(code, "code", N_("Mã thủ tục"))


def checked_terms(name: str, field: str, authority: str, inter_agency: bool,
                  working_days: int, fee: int, online_address: str) -> dict[str, Any]:
    """The terms of a procedure, normalised, or the first rule they break."""
    return {"name": _required(name, N_("Cần tên thủ tục."), "name", MAX_NAME),
            "field": _required(field, N_("Cần lĩnh vực của thủ tục."), "field",
                               MAX_FIELD),
            "authority": _authority(authority),
            "inter_agency": _flag(inter_agency),
            "working_days": _whole(working_days, N_("Thời hạn giải quyết"), "working_days",
                                   MAX_WORKING_DAYS),
            "fee": _whole(fee, N_("Lệ phí"), "fee", MAX_FEE),
            "online_address": checked_address(online_address)}


def checked_address(address: str) -> str:
    if not isinstance(address, str):
        raise InvalidValue(N_("Địa chỉ trực tuyến phải là chữ."), "online_address")
    address = address.strip()
    if address and not _is_web_address(address):
        raise InvalidValue(N_("Địa chỉ trực tuyến phải để trống hoặc là địa chỉ web bắt đầu "
                              "bằng http:// hoặc https://."), "online_address")
    return address


def _is_web_address(address: str) -> bool:
    if len(address) > MAX_ADDRESS or any(c.isspace() or not c.isprintable() for c in address):
        return False
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _text(value: str) -> str:
    """NFC, with runs of white space collapsed: "Hộ tịch" typed twice, or
    pasted from a decomposed source, is one field, not two. Anything but
    text is no text."""
    if not isinstance(value, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


def _required(value: str, message: str, field: str, longest: int) -> str:
    value = _text(value)
    if not value:
        raise InvalidValue(message, field)
    if len(value) > longest:
        raise InvalidValue(Text("Quá dài (tối đa %(longest)d ký tự).", longest=longest), field)
    if CONTROL_CHARACTERS.search(value):
        raise InvalidValue(N_("Có ký tự điều khiển không hợp lệ."), field)
    return value


def _authority(authority: str) -> str:
    if authority not in AUTHORITIES:
        raise InvalidValue(N_("Cơ quan giải quyết phải là xa, quan_su hoặc cong_an."),
                           "authority")
    return authority


def _flag(value: bool) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(N_("Liên thông phải là có hoặc không."), "inter_agency")
    return value


def _whole(value: int, label: str, field: str, largest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(Text("%(label)s phải là số nguyên.", label=term(label)), field)
    if value < 0:
        raise InvalidValue(Text("%(label)s không được âm.", label=term(label)), field)
    if value > largest:
        raise InvalidValue(Text("%(label)s quá lớn (tối đa %(largest)s).", label=term(label),
                                largest=format(largest, ",").replace(",", ".")), field)
    return value


# -- the commands -------------------------------------------------------------

class CatalogueCommands:
    """The catalogue's commands, mixed into ``events.application.Ledger``."""

    if TYPE_CHECKING:
        def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None: ...
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def require_commune(self, code: str) -> Any: ...
        def save(self, *objs: Any, **kwargs: Any) -> Any: ...

    def list_procedure(self, commune: str, code: str, name: str, field: str, authority: str,
                       inter_agency: bool, working_days: int, fee: int,
                       online_address: str) -> None:
        self.require_commune(commune)
        procedure = Procedure.catalogue(commune, code, name, field, authority, inter_agency,
                                        working_days, fee, online_address)
        self._create(procedure, AlreadyExists(Text(
            "Mã thủ tục %(code)s đã có trong danh mục.", code=procedure.code), "code"))

    def amend_procedure(self, commune: str, code: str, name: str, field: str, authority: str,
                        inter_agency: bool, working_days: int, fee: int,
                        online_address: str) -> None:
        procedure = self.procedure(commune, code)
        procedure.amend(name, field, authority, inter_agency, working_days, fee,
                        online_address)
        self._save_change(procedure)

    def abolish_procedure(self, commune: str, code: str, reason: str) -> None:
        procedure = self.procedure(commune, code)
        procedure.abolish(reason)
        self._save_change(procedure)

    def procedure(self, commune: str, code: str) -> Procedure:
        code = code.strip() if isinstance(code, str) else code
        return self._get(Procedure.id_for(commune, code), NotFound(Text(
            "Không có thủ tục mã %(code)s trong danh mục.", code=code), "code"))

    def _save_change(self, procedure: Procedure) -> None:
        """Two people changing one procedure at once: the second to save
        collides on the version and records nothing."""
        try:
            self.save(procedure)
        except IntegrityError:
            raise InvalidTransition(Text("Thủ tục %(code)s vừa được người khác thay đổi; "
                                         "hãy tải lại trang rồi thử lại.",
                                         code=procedure.code)) from None
