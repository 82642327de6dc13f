"""The households' and supplies' commands, mixed into
``events.application.Ledger``. Every order and reference is checked here,
before anything is recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError

from events.errors import AlreadyExists, InvalidValue, NotFound
from events.households import values
from events.households.aggregate import (
    BUILT_IN_ITEMS,
    Household,
    MonitoringGroup,
    Stock,
    SupplyItems,
    Villages,
)
from events.texts import N_, Text

if TYPE_CHECKING:
    from events.base import LedgerAggregate

# How many times an issue is tried again after another process took the
# stock's next version first; each try re-reads the stock and re-checks it.
ISSUE_TRIES = 5


class HouseholdCommands:
    if TYPE_CHECKING:
        from zoneinfo import ZoneInfo
        zone: ZoneInfo
        def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None: ...
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def _store(self, *aggregates: LedgerAggregate) -> None: ...
        def require_commune(self, code: str) -> Any: ...
        def save(self, *aggregates: Any) -> Any: ...
        _batches: Any

    # -- villages ---------------------------------------------------------
    def villages(self, commune: str) -> Villages:
        try:
            return self._get(Villages.id_for(commune), NotFound(""))
        except NotFound:
            self.require_commune(commune)
            return Villages.open(commune)

    def add_village(self, commune: str, name: str, code: str | None = None) -> str:
        """Add a village; without a code, one made from its name. Returns the code."""
        villages = self.villages(commune)
        if code is None:
            code = values.slug(name) if isinstance(name, str) else ""
        villages.add(code, name)
        self._store(villages)
        return code

    def rename_village(self, commune: str, code: str, name: str) -> None:
        villages = self.villages(commune)
        villages.rename(code, name)
        self._store(villages)

    def merge_village(self, commune: str, code: str, into: str) -> None:
        villages = self.villages(commune)
        villages.merge(code, into)
        self._store(villages)

    # -- supply items -----------------------------------------------------
    def supply_items(self, commune: str) -> SupplyItems:
        try:
            return self._get(SupplyItems.id_for(commune), NotFound(""))
        except NotFound:
            self.require_commune(commune)
            return SupplyItems.open(commune)

    def add_supply_item(self, commune: str, code: str, name: str, unit: str) -> None:
        items = self.supply_items(commune)
        items.add(code, name, unit)
        self._store(items)

    def _item(self, commune: str, item: Any) -> str:
        if isinstance(item, str) and (item in BUILT_IN_ITEMS or
                                      item in self.supply_items(commune).items):
            return item
        raise NotFound(Text("Không có vật tư %(code)s.", code=str(item)), "item")

    # -- households -------------------------------------------------------
    def register_household(self, commune: str, code: str, village: str, head: str,
                           address: str, registered_on: date) -> None:
        village = self.villages(commune).current(village)
        self._not_after_today(registered_on, "registered_on")
        self._create(Household.register(commune, code, village, head, address, registered_on),
                     AlreadyExists(Text("Hộ mã %(code)s đã được đăng ký.", code=code), "code"))

    def household(self, commune: str, code: str) -> Household:
        code = code.strip() if isinstance(code, str) else ""
        return self._get(Household.id_for(commune, code), NotFound(
            Text("Không có hộ mã %(code)s.", code=code), "code"))

    def enrol_household(self, commune: str, code: str, on: date) -> None:
        self._not_after_today(on)
        self._on_household(commune, code, lambda h: h.enrol(on))

    def stop_household(self, commune: str, code: str, on: date, reason: str) -> None:
        self._not_after_today(on)
        self._on_household(commune, code, lambda h: h.stop(on, reason))

    def check_household(self, commune: str, code: str, on: date, compliant: bool,
                        note: str, checker: str) -> None:
        self._not_after_today(on)
        self._on_household(commune, code, lambda h: h.check(on, compliant, note, checker))

    def move_household(self, commune: str, code: str, on: date, village: str) -> None:
        village = self.villages(commune).current(village)
        self._not_after_today(on)
        self._on_household(commune, code, lambda h: h.move(on, village))

    def correct_household(self, commune: str, code: str, version: int, reason: str,
                          changes: dict[str, Any]) -> None:
        """Correct one of the household's steps; the corrected history is
        checked again as a whole (``corrections``)."""
        for field in ("on", "registered_on"):
            if isinstance(changes, dict):
                self._not_after_today(changes.get(field), field)

        def act(household: Household) -> None:
            history = list(self.events.get(household.id))  # type: ignore[attr-defined]
            household.correct(history, version, reason, changes)
        self._on_household(commune, code, act)

    def enrol_households(self, commune: str, codes: Sequence[str], on: date) -> None:
        """Enrol several households at once: all or none."""
        self._not_after_today(on)
        self._on_households(commune, codes, lambda h: h.enrol(on))

    def check_households(self, commune: str, results: Sequence[tuple[str, bool, str]],
                         on: date, checker: str) -> None:
        """A round of checks, one event per household (code, compliant, note):
        all or none."""
        self._not_after_today(on)
        if not isinstance(results, list | tuple) or \
                not all(isinstance(r, list | tuple) and len(r) == 3 for r in results):
            raise InvalidValue(N_("Kết quả kiểm tra không hợp lệ."), "households")
        by_code = {code: (ok, note) for code, ok, note in results}
        self._on_households(commune, list(by_code),
                            lambda h: h.check(on, by_code[h.code][0], by_code[h.code][1],
                                              checker))

    def _on_household(self, commune: str, code: str, action: Callable[[Household], None]
                      ) -> None:
        household = self.household(commune, code)
        action(household)
        try:
            self._store(household)
        except IntegrityError:
            raise InvalidValue(Text("Hộ %(code)s vừa được người khác cập nhật; hãy tải lại "
                                    "trang rồi thử lại.", code=code)) from None

    def _on_households(self, commune: str, codes: Sequence[str],
                       action: Callable[[Household], None]) -> None:
        if not isinstance(codes, list | tuple) or not codes:
            raise InvalidValue(N_("Hãy chọn ít nhất một hộ."), "households")
        chosen = [self.household(commune, code) for code in codes]
        for household in chosen:
            action(household)
        self._store(*chosen)

    # -- monitoring groups --------------------------------------------------
    def set_monitoring_group(self, commune: str, village: str, responsible: str,
                             households: list[str]) -> None:
        village = self.villages(commune).current(village)
        for code in households if isinstance(households, list | tuple) else ():
            if self.household(commune, code).village != village:
                raise InvalidValue(Text("Hộ %(code)s không ở thôn này.", code=code),
                                   "households")
        try:
            group = self._get(MonitoringGroup.id_for(commune, village), NotFound(""))
        except NotFound:
            group = None
        if group is None:
            group = MonitoringGroup.form(commune, village, responsible, households)
        else:
            group.change(responsible, households)
        self._store(group)

    # -- supplies -----------------------------------------------------------
    def stock(self, commune: str, item: str) -> Stock:
        self.require_commune(commune)
        item = self._item(commune, item)
        try:
            return self._get(Stock.id_for(commune, item), NotFound(""))
        except NotFound:
            return Stock.open(commune, item)

    def receive_supplies(self, commune: str, item: str, quantity: int, supplier: str,
                         document: str, on: date) -> None:
        self._not_after_today(on)
        self._on_stock(commune, item, lambda s: s.receive(quantity, supplier, document, on))

    def issue_supplies(self, commune: str, item: str, quantity: int, on: date, *,
                       village: str = "", household: str = "", receiver: str) -> None:
        """Issue to a village, or to a household (counted in its village on
        that day). Beyond the stock it is refused with the stock shown."""
        self._not_after_today(on)
        village, household = self._recipient(commune, village, household, on)
        self._on_stock(commune, item,
                       lambda s: s.issue(quantity, on, village, household, receiver))

    def _recipient(self, commune: str, village: Any, household: Any, on: Any
                   ) -> tuple[str, str]:
        if isinstance(household, str) and household.strip():
            found = self.household(commune, household)
            from events.households.standing import village_on
            where = village_on(found.facts(), values.day(on, "on"))
            if where is None:
                raise InvalidValue(N_("Hộ chưa đăng ký vào ngày cấp."), "on")
            return where, found.code
        if not isinstance(village, str) or not village:
            raise InvalidValue(N_("Hãy chọn thôn hoặc hộ nhận."), "village")
        return self.villages(commune).current(village), ""

    def _on_stock(self, commune: str, item: str, action: Callable[[Stock], None]) -> None:
        """Load, act, save; if another process saved the stock meanwhile, its
        version is taken: read it again and act again, so an issue is checked
        against the stock as it now stands."""
        for attempt in range(ISSUE_TRIES):
            stock = self.stock(commune, item)
            action(stock)
            try:
                self._store(stock)
                return
            except IntegrityError:
                if attempt == ISSUE_TRIES - 1:
                    raise InvalidValue(N_("Kho vật tư đang được cập nhật; hãy thử lại."),
                                       "quantity") from None

    def _not_after_today(self, day: Any, field: str = "on") -> None:
        """A step is recorded after it happens: not dated after today."""
        if isinstance(day, date) and not isinstance(day, datetime) and \
                day > datetime.now(UTC).astimezone(self.zone).date():
            raise InvalidValue(N_("Ngày không được ở tương lai."), field)
