"""The households stream: villages (thôn) and supply items as each commune's
reference data, households in at-source organic waste sorting, the stock of
each supply item, and each village's monitoring group.

Ids come from natural keys (the commune, and a household's code, an item's
code, a village's code), so a second creation collides in the store. The
stock of an item is one aggregate per commune and item: two issues racing
for its last units both try to take its next version, and the store lets
one through."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_reason, stable_id
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.households import corrections, lifecycle, standing, stock, values
from events.households.lifecycle import ENROL, REGISTERED, SORTING, STOP
from events.households.standing import Facts
from events.texts import N_, Text

# Available in every commune from the start; an admin adds others.
BUILT_IN_ITEMS = {"nap_day": (N_("Nắp đậy hố rác"), N_("cái")),
                  "men_vi_sinh": (N_("Gói men vi sinh"), N_("gói"))}
SMALLEST_GROUP, LARGEST_GROUP = 30, 60


def _not_before(day: date, earlier: date | None, field: str, message: str) -> None:
    if earlier is not None and day < earlier:
        raise InvalidValue(Text(message, day=earlier.strftime("%d/%m/%Y")), field)


class Villages(LedgerAggregate):
    """A commune's villages: added, renamed, merged into another (communes
    merge villages). A merged village's households count in the one it was
    merged into."""

    @staticmethod
    def id_for(commune: str) -> UUID:
        return stable_id("villages", commune)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.commune, aggregate.names, aggregate.merged = self.commune, {}, {}

    class Added(LedgerAggregate.Event):
        code: str
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.names[self.code] = self.name

    class Renamed(LedgerAggregate.Event):
        code: str
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.names[self.code] = self.name

    class Merged(LedgerAggregate.Event):
        code: str
        into: str

        def apply(self, aggregate: Any) -> None:
            aggregate.merged[self.code] = self.into

    @classmethod
    def open(cls, commune: str) -> Villages:
        return cls._start(cls.Opened, cls.id_for(commune), commune, None)

    def add(self, code: str, name: str) -> None:
        code = values.code(code, "code", N_("Mã thôn"))
        name = values.name(name, "name", N_("Tên thôn"), values.MAX_NAME)
        self._name_free(name)
        if code in self.names:
            raise AlreadyExists(Text("Thôn mã %(code)s đã có.", code=code), "code")
        self._record(self.Added, code=code, name=name)

    def rename(self, code: str, name: str) -> None:
        self.current(code)
        name = values.name(name, "name", N_("Tên thôn"), values.MAX_NAME)
        self._name_free(name, code)
        self._record(self.Renamed, code=code, name=name)

    def merge(self, code: str, into: str) -> None:
        self.current(code)
        self.current(into, "into")
        if code == into:
            raise InvalidValue(N_("Không thể sáp nhập một thôn vào chính nó."), "into")
        self._record(self.Merged, code=code, into=into)

    def current(self, code: Any, field: str = "village") -> str:
        """A village households may live in: recorded and not merged away."""
        if not isinstance(code, str) or code not in self.names:
            raise NotFound(Text("Không có thôn %(code)s.", code=str(code)), field)
        if code in self.merged:
            raise InvalidValue(Text("Thôn %(name)s đã được sáp nhập vào thôn %(into)s.",
                                    name=self.names[code],
                                    into=self.names[self.merged[code]]), field)
        return code

    def named(self, name: Any) -> str | None:
        """The current village of that name, matched as ``values.folded``
        says (case, spaces and diacritics aside); None if there is none."""
        if not isinstance(name, str):
            return None
        wanted = values.folded(name)
        for code, known in self.names.items():
            if code not in self.merged and values.folded(known) == wanted:
                return code
        return None

    def _name_free(self, name: str, code: str | None = None) -> None:
        other = self.named(name)
        if other is not None and other != code:
            raise AlreadyExists(Text("Đã có thôn %(name)s.", name=self.names[other]), "name")


class SupplyItems(LedgerAggregate):
    """The supply items an admin added beside the built-in ones."""

    @staticmethod
    def id_for(commune: str) -> UUID:
        return stable_id("supply-items", commune)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.commune, aggregate.items = self.commune, {}

    class Added(LedgerAggregate.Event):
        code: str
        name: str
        unit: str

        def apply(self, aggregate: Any) -> None:
            aggregate.items[self.code] = (self.name, self.unit)

    @classmethod
    def open(cls, commune: str) -> SupplyItems:
        return cls._start(cls.Opened, cls.id_for(commune), commune, None)

    def add(self, code: str, name: str, unit: str) -> None:
        code = values.code(code, "code", N_("Mã vật tư"))
        if code in self.items or code in BUILT_IN_ITEMS:
            raise AlreadyExists(Text("Vật tư mã %(code)s đã có.", code=code), "code")
        self._record(self.Added, code=code,
                     name=values.name(name, "name", N_("Tên vật tư")),
                     unit=values.name(unit, "unit", N_("Đơn vị tính"), values.MAX_UNIT))


class Household(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, code: str) -> UUID:
        return stable_id("household", commune, code)

    class Registered(LedgerAggregate.Event, Aggregate.Created):
        code: str
        village: str
        head: str
        address: str
        registered_on: date

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.code, a.head, a.address = self.commune, self.code, self.head, self.address
            a.registered_on, a.status = self.registered_on, REGISTERED
            a.villages, a.spells, a.last_day = [(self.village, self.registered_on)], [], \
                self.registered_on

    class Enrolled(LedgerAggregate.Event):
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.spells.append((self.on, None))
            aggregate.status, aggregate.last_day = SORTING, self.on

    class Stopped(LedgerAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.spells[-1] = (aggregate.spells[-1][0], self.on)
            aggregate.status, aggregate.last_day = lifecycle.STOPPED, self.on

    class Checked(LedgerAggregate.Event):
        household: str
        on: date
        village: str  # where the household lived that day (``standing.village_on``)
        compliant: bool
        note: str
        checker: str

    class Moved(LedgerAggregate.Event):
        on: date
        village: str

        def apply(self, aggregate: Any) -> None:
            aggregate.villages.append((self.village, self.on))

    class Corrected(LedgerAggregate.Event):
        """A step corrected (``corrections``), with the facts as they stand after."""
        corrected_version: int
        corrected_kind: str
        reason: str
        changes: dict[str, Any]
        registered_on: str
        head: str
        address: str
        villages: list[list[str]]
        spells: list[list[str | None]]

        def apply(self, aggregate: Any) -> None:
            facts = corrections._facts(self)
            a = aggregate
            a.registered_on, a.head, a.address = facts["registered_on"], self.head, self.address
            a.villages, a.spells, a.last_day = facts["villages"], facts["spells"], facts["last"]

    @classmethod
    def register(cls, commune: str, code: str, village: str, head: str, address: str,
                 registered_on: date) -> Household:
        return cls._start(cls.Registered, cls.id_for(commune, values.code(code)), commune,
                          None, code=values.code(code), village=village,
                          head=values.name(head, "head", N_("Chủ hộ")),
                          address=values.optional(address, "address", N_("Địa chỉ"),
                                                  values.MAX_NAME),
                          registered_on=values.day(registered_on, "registered_on"))

    @property
    def village(self) -> str:
        return self.villages[-1][0]

    def facts(self) -> Facts:
        return Facts(self.registered_on, tuple(self.villages), tuple(self.spells))

    def enrol(self, on: date) -> None:
        on = values.day(on, "on")
        self._step(ENROL)
        _not_before(on, self.last_day, "on", N_("Ngày tham gia không được trước ngày %(day)s "
                                                "(bước trước của hộ)."))
        self._record(self.Enrolled, on=on)

    def stop(self, on: date, reason: str) -> None:
        on = values.day(on, "on")
        self._step(STOP)
        _not_before(on, self.last_day, "on", N_("Ngày dừng không được trước ngày %(day)s "
                                                "(ngày tham gia)."))
        self._record(self.Stopped, on=on, reason=checked_reason(reason))

    def check(self, on: date, compliant: bool, note: str, checker: str) -> None:
        on = values.day(on, "on")
        _not_before(on, self.registered_on, "on", N_("Ngày kiểm tra không được trước ngày "
                                                     "%(day)s (ngày đăng ký)."))
        self._record(self.Checked, household=self.code, on=on,
                     village=standing.village_on(self.facts(), on),
                     compliant=values.compliant(compliant),
                     note=values.optional(note, "note", N_("Ghi chú")),
                     checker=values.name(checker, "checker", N_("Người kiểm tra")))

    def move(self, on: date, village: str) -> None:
        on = values.day(on, "on")
        last_move = self.villages[-1][1]
        if on <= last_move:
            raise InvalidValue(Text("Ngày chuyển phải sau ngày %(day)s (ngày hộ đến thôn "
                                    "hiện tại).", day=last_move.strftime("%d/%m/%Y")), "on")
        if village == self.village:
            raise InvalidValue(N_("Hộ đã ở thôn này."), "village")
        self._record(self.Moved, on=on, village=village)

    def correct(self, history: list[Any], version: Any, reason: str, changes: Any) -> None:
        """Correct the step recorded as ``version`` (``corrections``)."""
        found = [e for e in history if e.originator_version == version
                 and not isinstance(version, bool)]
        kind = type(found[0]).__name__ if found else ""
        if kind not in corrections.CORRECTABLE:
            raise InvalidValue(N_("Không có bước sửa được ở phiên bản này."), "version")
        reason = checked_reason(reason)
        changes = corrections.checked_changes(kind, changes)
        self._record(self.Corrected, corrected_version=version, corrected_kind=kind,
                     reason=reason, changes=changes,
                     **corrections.replayed(history, version, changes))

    def _step(self, step: str) -> None:
        if lifecycle.after(step, self.status) is None:
            raise InvalidTransition(lifecycle.REFUSALS[step], "on")


class Stock(LedgerAggregate):
    """One supply item's stock in one commune: what was received and issued,
    each dated. Every issue takes this aggregate's next version."""

    @staticmethod
    def id_for(commune: str, item: str) -> UUID:
        return stable_id("stock", commune, item)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        item: str

        def apply(self, aggregate: Any) -> None:
            aggregate.commune, aggregate.item, aggregate.movements = self.commune, self.item, []

    class Received(LedgerAggregate.Event):
        item: str
        quantity: int
        supplier: str
        document: str
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.movements.append((self.on, self.quantity))

    class Issued(LedgerAggregate.Event):
        item: str
        quantity: int
        on: date
        village: str
        household: str
        receiver: str

        def apply(self, aggregate: Any) -> None:
            aggregate.movements.append((self.on, -self.quantity))

    @classmethod
    def open(cls, commune: str, item: str) -> Stock:
        return cls._start(cls.Opened, cls.id_for(commune, item), commune, None, item=item)

    @property
    def in_stock(self) -> int:
        return sum(n for _d, n in self.movements)

    def receive(self, quantity: int, supplier: str, document: str, on: date) -> None:
        self._record(self.Received, item=self.item, quantity=values.quantity(quantity),
                     supplier=values.name(supplier, "supplier", N_("Nơi cấp")),
                     document=values.optional(document, "document", N_("Số, ký hiệu văn bản"),
                                              values.MAX_DOCUMENT),
                     on=values.day(on, "on"))

    def issue(self, quantity: int, on: date, village: str, household: str,
              receiver: str) -> None:
        quantity, on = values.quantity(quantity), values.day(on, "on")
        receiver = values.name(receiver, "receiver", N_("Người nhận"))
        can = stock.available(self.movements, on)
        if quantity > can:
            raise InvalidValue(Text("Không đủ vật tư trong kho: còn %(stock)d, không thể cấp "
                                    "%(quantity)d.", stock=can, quantity=quantity), "quantity")
        self._record(self.Issued, item=self.item, quantity=quantity, on=on, village=village,
                     household=household, receiver=receiver)


class MonitoringGroup(LedgerAggregate):
    """A village's monitoring group (tổ giám sát): its responsible member and
    the households it follows. 30–60 households is the norm; outside it the
    page warns, the ledger records it anyway."""

    @staticmethod
    def id_for(commune: str, village: str) -> UUID:
        return stable_id("monitoring-group", commune, village)

    class Formed(LedgerAggregate.Event, Aggregate.Created):
        village: str
        responsible: str
        households: list[str]

        def apply(self, aggregate: Any) -> None:
            aggregate.commune, aggregate.village = self.commune, self.village
            aggregate.responsible, aggregate.households = self.responsible, self.households

    class Changed(LedgerAggregate.Event):
        responsible: str
        households: list[str]

        def apply(self, aggregate: Any) -> None:
            aggregate.responsible, aggregate.households = self.responsible, self.households

    @classmethod
    def form(cls, commune: str, village: str, responsible: str,
             households: list[str]) -> MonitoringGroup:
        return cls._start(cls.Formed, cls.id_for(commune, village), commune, None,
                          village=village, **_members(responsible, households))

    def change(self, responsible: str, households: list[str]) -> None:
        self._record(self.Changed, **_members(responsible, households))


def _members(responsible: str, households: list[str]) -> dict[str, Any]:
    if not isinstance(households, list | tuple):
        raise InvalidValue(N_("Danh sách hộ không hợp lệ."), "households")
    codes = [values.code(h, "households") for h in households]
    if len(set(codes)) != len(codes):
        raise InvalidValue(N_("Một hộ có tên hai lần trong tổ."), "households")
    return {"responsible": values.name(responsible, "responsible", N_("Tổ trưởng")),
            "households": sorted(codes)}


def group_size_warning(size: int) -> bool:
    """Whether a group's size is outside the norm (a warning, not a refusal)."""
    return not SMALLEST_GROUP <= size <= LARGEST_GROUP
