"""The Ledger application: one method per command. Each loads, acts, saves.

Commands raise a named ``DomainError`` and record nothing when a rule fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from events import topics
from events.base import MAX_REASON, LedgerAggregate, aware, checked_day, current_actor
from events.catalogue import CatalogueCommands, Procedure
from events.citizens.commands import CitizenCommands
from events.communes import Calendar, Commune
from events.documents.commands import DocumentCommands
from events.reports.commands import ReportCommands
from events.dossiers import Dossier, corrections, deadlines, standing, values
from events.dossiers.lifecycle import OPEN
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound, NotPermitted
from events.people import ADMIN_ROLES, DOSSIER_ROLES, PROVINCE_ADMIN, Access, User, checked_scope
from events.targets.commands import TargetCommands
from events.households.commands import HouseholdCommands
from events.violations.commands import ViolationCommands
from events.texts import N_, Text
from events.workdays import WorkCalendar

ROLES = ("clerk", "officer", "leader", "auditor", "inspector", "admin", PROVINCE_ADMIN)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class Ledger(CatalogueCommands, DocumentCommands, TargetCommands, CitizenCommands,
             HouseholdCommands, ViolationCommands, ReportCommands, Application):
    name = "Ledger"

    def __init__(self, env: dict[str, str] | None = None, timezone: str = "Asia/Ho_Chi_Minh"):
        super().__init__(env)
        self.zone = ZoneInfo(timezone)
        # A registered commune stays registered (nothing is ever deleted), so
        # once seen it need not be read from the log again by this process.
        self._known_communes: set[str] = set()
        # The batch of the running context (thread), if any: a web worker's
        # other threads keep recording while an import checks its file.
        self._batches: ContextVar[Batch | None] = ContextVar(f"batch-{id(self)}", default=None)
        # Which dossiers of a commune may be open; the web service answers
        # from its read model (see ``_open_dossiers``).
        self.open_dossier_codes: Callable[[str], Iterable[str] | None] | None = None
        # Who may be a commune's admins, likewise (see ``_admin_names``).
        self.admin_names: Callable[[str], Iterable[str] | None] | None = None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- communes -------------------------------------------------------
    def register_commune(self, code: str, name: str) -> None:
        commune = Commune.register(code, name)
        self._create(commune, AlreadyExists(Text(
            "Đơn vị hành chính mã %(code)s đã được đăng ký.", code=commune.commune), "code"))

    def require_commune(self, code: str) -> None:
        if isinstance(code, str) and code in self._known_communes:
            return
        self._get(Commune.id_for(code), NotFound(Text(
            "Chưa đăng ký đơn vị hành chính mã %(code)s.", code=code), "commune"))
        self._known_communes.add(code)

    # -- users ----------------------------------------------------------
    def register_user(self, name: str, role: str, commune: str, full_name: str = "") -> None:
        _check_role(role)
        self._check_province_role(role)
        user = User.register(name, role, commune)
        self.require_commune(commune)
        if not isinstance(full_name, str) or full_name.strip():
            user.set_full_name(full_name)
        self._create(user, AlreadyExists(Text("Tên đăng nhập %(name)s đã có.", name=name),
                                                  "name"))

    def set_full_name(self, name: str, full_name: str) -> None:
        self._act_on_user(name, lambda user: user.set_full_name(full_name))

    def choose_language(self, name: str, language: str) -> None:
        self._act_on_user(name, lambda user: user.choose_language(language))

    def user(self, name: str) -> User:
        return self._get(User.id_for(name), NotFound(
            Text("Không có người dùng %(name)s.", name=name), "name"))

    def record_password_change(self, name: str, set_by_admin: bool = False) -> None:
        self._act_on_user(name, lambda user: user.change_password(set_by_admin))

    def grant_role(self, name: str, role: str) -> None:
        _check_role(role)
        self._check_province_role(role)
        self._act_on_user(name, lambda user: user.grant(role))

    def revoke_role(self, name: str, role: str) -> None:
        """An admin keeps their own admin role, and a commune its last
        enabled admin."""
        _check_role(role)
        self._check_province_role(role)

        def act(user: User) -> None:
            if role in ADMIN_ROLES and role in user.roles and user.name == current_actor():
                raise InvalidTransition(N_("Không thể tự thu hồi vai trò quản trị của mình."),
                                        "role")
            if role == "admin":
                self._keep_an_admin(user)
            user.revoke(role)
        self._act_on_user(name, act)

    def disable_user(self, name: str) -> None:
        def act(user: User) -> None:
            self._keep_an_admin(user)
            user.disable()
        self._act_on_user(name, act)

    def enable_user(self, name: str) -> None:
        self._act_on_user(name, User.enable)

    def assign_scope(self, name: str, communes: list[str]) -> None:
        """Grant or revoke a reader's communes. Only a province admin may:
        a commune admin could otherwise read every other commune."""
        actor = self._acting_user()
        if actor is None or PROVINCE_ADMIN not in actor.roles or actor.disabled:
            raise NotPermitted(N_("Chỉ quản trị cấp tỉnh được giao hoặc thu hồi phạm vi xem."),
                               "communes")
        for code in checked_scope(communes):
            self.require_commune(code)
        self._act_on_user(name, lambda user: user.assign_scope(communes))

    def _acting_user(self) -> User | None:
        """The user giving the command; None for the operator at the
        command line, whose actor names no user."""
        try:
            return self.user(current_actor())
        except NotFound:
            return None

    def _check_province_role(self, role: str) -> None:
        """The province admin's role is given and taken at the command line
        or by a province admin, never by a commune admin."""
        if role != PROVINCE_ADMIN:
            return
        actor = self._acting_user()
        if actor is not None and (PROVINCE_ADMIN not in actor.roles or actor.disabled):
            raise NotPermitted(Text("Chỉ quản trị cấp tỉnh (hoặc dòng lệnh) được cấp hay thu "
                                    "hồi vai trò %(role)s.", role=PROVINCE_ADMIN), "role")

    def _keep_an_admin(self, user: User) -> None:
        """Removing an enabled admin must leave their commune another: else
        nobody could manage its users."""
        if "admin" not in user.roles or user.disabled:
            return
        for name in self._admin_names(user.commune):
            if name != user.name and self._is_enabled_admin(name, user.commune):
                return
        raise InvalidTransition(Text("%(name)s là quản trị cuối cùng còn hoạt động của đơn vị "
                                     "%(commune)s; hãy cấp vai trò admin cho người khác trước.",
                                     name=user.name, commune=user.commune), "name")

    def _admin_names(self, commune: str) -> Iterable[str]:
        """Who may be the commune's admins: those ``admin_names`` names (the
        web service asks its read model), else every user registered in the
        commune, read through. Each is then checked against the log."""
        names = self.admin_names(commune) if self.admin_names else None
        return self._users_in_log(commune) if names is None else names

    def _is_enabled_admin(self, name: str, commune: str) -> bool:
        try:
            user = self.user(name)
        except NotFound:
            return False
        return user.commune == commune and "admin" in user.roles and not user.disabled

    def _users_in_log(self, commune: str) -> Iterator[str]:
        for event in self._logged(topics.known(User.Registered)):
            if event.commune == commune:
                yield event.name

    def _act_on_user(self, name: str, action: Callable[[User], None]) -> None:
        user = self.user(name)
        action(user)
        self.save(user)

    # -- access (log-in, failures, log-out) ----------------------------
    def record_access(self, name: str, commune: str,
                      action: Callable[[Access], None]) -> None:
        """Append to a name's access history; two workers appending at the
        same moment collide on the version, so the loser retries."""
        for attempt in range(5):
            access = self._access(name, commune)
            action(access)
            try:
                self.save(access)
                return
            except IntegrityError:
                if attempt == 4:
                    raise

    def _access(self, name: str, commune: str) -> Access:
        try:
            return self.repository.get(Access.id_for(name))
        except AggregateNotFoundError:
            return Access.open(name, commune)

    # -- calendar -------------------------------------------------------
    def calendar(self, commune: str) -> Calendar | None:
        try:
            return self._get(Calendar.id_for(commune), AggregateNotFoundError())
        except AggregateNotFoundError:
            return None

    def exceptions(self, commune: str) -> tuple[set[date], set[date]]:
        """The commune's declared days off and make-up working days."""
        calendar = self.calendar(commune)
        return (calendar.days_off, calendar.make_up_days) if calendar else (set(), set())

    def work_calendar(self, commune: str) -> WorkCalendar:
        return WorkCalendar(*self.exceptions(commune))

    def declare_day_off(self, commune: str, day: date, reason: str) -> None:
        self._on_calendar(commune, day, reason, True, lambda c: c.declare_day_off(day, reason))

    def declare_make_up_day(self, commune: str, day: date, reason: str) -> None:
        self._on_calendar(commune, day, reason, False,
                          lambda c: c.declare_make_up_day(day, reason))

    def _on_calendar(self, commune: str, day: date, reason: str, day_off: bool,
                     action: Callable[[Calendar], None]) -> None:
        """Declare the day, and move the due dates of the open dossiers whose
        count it falls in, all in one transaction ("due dates follow")."""
        self.require_commune(commune)
        checked_day(day, "day")  # before it is looked up in the calendar
        calendar = self.calendar(commune) or Calendar.open(commune)
        was_working = WorkCalendar(calendar.days_off, calendar.make_up_days).is_working_day(day)
        action(calendar)
        after = WorkCalendar(calendar.days_off, calendar.make_up_days)
        moved: list[Dossier] = []
        if after.is_working_day(day) != was_working:
            # The declaration's own reason was checked; naming the day before it
            # must not make it too long for the dossier's event.
            why = f"{'Ngày nghỉ' if day_off else 'Ngày làm bù'} {day:%d/%m/%Y}: " \
                  f"{' '.join(reason.split())}"[:MAX_REASON]
            for dossier in self._open_dossiers(commune):
                counted_from = deadlines.deemed_received(self.local(dossier.received_at), after)
                new = deadlines.moved_by_declaration(dossier.due_date, counted_from, day,
                                                     day_off, after)
                dossier.move_due_date(_now(), new, day, why)
                if dossier.pending_events:
                    moved.append(dossier)
        self._store(calendar, *moved)

    def _open_dossiers(self, commune: str) -> Iterator[Dossier]:
        """The commune's open dossiers: those ``open_dossier_codes`` names
        (the web service asks its read model), else every dossier received
        in the log, read through."""
        codes = self.open_dossier_codes(commune) if self.open_dossier_codes else None
        if codes is None:
            codes = self._codes_in_log(commune)
        for code in codes:
            dossier = self.dossier(commune, code)
            if dossier.status in OPEN:
                yield dossier

    def _codes_in_log(self, commune: str) -> Iterator[str]:
        for event in self._logged(self._received_topics()):
            if event.commune == commune:
                yield event.code

    def _logged(self, known: list[tuple[str, type]]) -> Iterator[Any]:
        """Every event stored under these topics, in order, a page at a time."""
        wanted = [t for t, _cls in known]
        start = 1
        while True:
            page = self.recorder.select_notifications(start, 1000, topics=wanted)
            for stored in page:
                yield self.mapper.to_domain_event(stored)
            if len(page) < 1000:
                return
            start = page[-1].id + 1

    @staticmethod
    def _received_topics() -> list[tuple[str, type]]:
        return [(t, c) for t, c in topics.known(Dossier.Received)]

    def due_after(self, commune: str, day: date, working_days: int) -> date:
        """The date ``working_days`` working days after ``day``, with the
        commune's declared days off and make-up days."""
        return self.work_calendar(commune).after(day, working_days)

    # -- dossiers -------------------------------------------------------
    def receive_dossier(self, commune: str, code: str, procedure_code: str, applicant: str,
                        channel: str, online_mode: str, received_at: datetime,
                        due_date: date | None = None, *, source: str = "", phone: str = "",
                        address: str = "", papers: Sequence[Mapping[str, Any]] = ()) -> None:
        """Receive a dossier. Its procedure must be in the catalogue and in
        force; without a due date, the procedure's working days give it (a
        given one moves onto a working day). The applicant's phone and
        address and the papers handed in (``values.papers``) are optional."""
        self.require_commune(commune)
        code, procedure_code = values.code(code), values.procedure_code(procedure_code)
        procedure = self._procedure_in_force(commune, procedure_code)
        local = self.local(aware(received_at, "received_at"))
        calendar = self.work_calendar(commune)
        if due_date is not None:
            if checked_day(due_date, "due_date") < local.date():
                raise InvalidValue(N_("Hạn trả không được trước ngày tiếp nhận."), "due_date")
            due = deadlines.given_due_date(due_date, calendar)
        else:
            due = deadlines.due_date(local, procedure.working_days, calendar)
        dossier = Dossier.receive(commune, code, procedure_code, applicant, channel,
                                  online_mode, received_at, due, procedure.inter_agency,
                                  procedure.fee, source, phone, address, papers)
        self._create(dossier, AlreadyExists(Text("Mã hồ sơ %(code)s đã được sử dụng.", code=code),
                                                     "code"))

    def _procedure_in_force(self, commune: str, code: str) -> Procedure:
        procedure = self._listed_procedure(commune, code)
        if procedure.abolished:
            raise InvalidValue(Text("Thủ tục mã %(code)s đã bị bãi bỏ; không tiếp nhận hồ sơ mới "
                                    "của thủ tục này.", code=code), "procedure_code")
        return procedure

    def _listed_procedure(self, commune: str, code: str) -> Procedure:
        return self._get(Procedure.id_for(commune, code), NotFound(
            Text("Thủ tục mã %(code)s chưa có trong danh mục.", code=code), "procedure_code"))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def hand_over(self, commune: str, code: str, at: datetime, to_user: str, step: str,
                  step_due: date) -> None:
        """To an existing, enabled user of the commune who may act on dossiers."""
        self._check_colleague(commune, to_user)
        self._on_dossier(commune, code, lambda d: d.hand_over(at, to_user, step, step_due))

    def _check_colleague(self, commune: str, name: str) -> None:
        name = name.strip() if isinstance(name, str) else ""
        try:
            user = self.user(name) if name else None
        except NotFound:
            user = None
        if user is None or user.commune != commune or not user.roles & set(DOSSIER_ROLES):
            raise InvalidValue(Text("Không có cán bộ «%(name)s» xử lý hồ sơ của xã này.",
                                    name=name[:64]), "to_user")
        if user.disabled:
            raise InvalidValue(Text("Tài khoản %(name)s đã bị khóa.", name=name), "to_user")

    def request_supplement(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.request_supplement(at, reason))

    def receive_supplement(self, commune: str, code: str, at: datetime) -> None:
        """The complete supplement restarts the clock: the working days not
        yet used when it stopped continue from the next working day."""
        def act(dossier: Dossier) -> None:
            due = dossier.due_date
            if dossier.supplement_requested_at is not None:
                due = deadlines.resumed_due_date(
                    dossier.due_date, self.local_day(dossier.supplement_requested_at),
                    self.local_day(aware(at)), self.work_calendar(commune))
            dossier.receive_supplement(at, due)
        self._on_dossier(commune, code, act)

    def refuse_dossier(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.refuse(at, reason, self.zone))

    def withdraw_dossier(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.withdraw(at, reason))

    def stop_dossier(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.stop(at, reason))

    def resolve_dossier(self, commune: str, code: str, at: datetime, digitised: bool,
                        e_certified: bool) -> None:
        self._on_dossier(commune, code, lambda d: d.resolve(at, digitised, e_certified))

    def return_dossier(self, commune: str, code: str, at: datetime) -> None:
        self._on_dossier(commune, code, lambda d: d.return_result(at))

    def apologise(self, commune: str, code: str, at: datetime, new_appointment: date,
                  reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.apologise(at, new_appointment, reason))

    def pay_fee(self, commune: str, code: str, at: datetime, amount: int, method: str) -> None:
        self._on_dossier(commune, code, lambda d: d.pay_fee(at, amount, method))

    def correct_dossier(self, commune: str, code: str, at: datetime, version: int,
                        reason: str, changes: dict[str, Any]) -> None:
        """Record a correction of the dossier's event number ``version``; the
        corrected event stays in the log as it was. A corrected procedure
        must be in the catalogue; a corrected receipt time or procedure
        recomputes the due date."""
        def act(dossier: Dossier) -> None:
            if not isinstance(version, int) or isinstance(version, bool):
                raise InvalidValue(N_("Số thứ tự sự kiện không hợp lệ."), "version")
            events = {e.originator_version: e for e in self.events.get(dossier.id)}
            if version not in events:
                raise NotFound(Text("Hồ sơ %(code)s không có sự kiện số %(version)d.",
                                    code=code, version=version), "version")
            corrected = events[version]
            kind = type(corrected).__name__
            checked = corrections.checked(kind, changes, dossier.channel, dossier.online_mode)
            dossier.correct(at, corrected, reason, checked,
                            self._corrected_due_dates(dossier, kind, checked))
        self._on_dossier(commune, code, act)

    def _corrected_due_dates(self, dossier: Dossier, kind: str,
                             changes: dict[str, Any]) -> tuple[date, date] | None:
        if kind != "Received" or not {"occurred_at", "procedure_code"} & set(changes):
            return None
        code = changes.get("procedure_code", dossier.procedure_code)
        procedure = self._listed_procedure(dossier.commune, code)
        received = datetime.fromisoformat(changes["occurred_at"]) \
            if "occurred_at" in changes else dossier.received_at
        calendar = self.work_calendar(dossier.commune)
        original = deadlines.due_date(self.local(received), procedure.working_days, calendar)
        due = original
        if dossier.supplement_received_at is not None:
            due = deadlines.resumed_due_date(
                original, self.local_day(dossier.supplement_requested_at),
                self.local_day(dossier.supplement_received_at), calendar)
        return due, original

    def dossier(self, commune: str, code: str) -> Dossier:
        code = code.strip() if isinstance(code, str) else ""
        return self._get(Dossier.id_for(commune, code), NotFound(
            Text("Không có hồ sơ mã %(code)s.", code=code), "code"))

    def dossier_facts(self, commune: str, code: str) -> standing.Facts:
        """What the tallies count of one dossier, from its own events."""
        dossier = self.dossier(commune, code)
        return standing.Facts.of(dossier, self.events.get(dossier.id), self.zone)

    def _on_dossier(self, commune: str, code: str, action: Callable[[Dossier], None]) -> None:
        """Load, act, save. Two people acting on one dossier at once: the
        second collides on the version and records nothing."""
        dossier = self.dossier(commune, code)
        action(dossier)
        try:
            self._store(dossier)
        except IntegrityError:
            raise InvalidTransition(Text("Hồ sơ %(code)s vừa được người khác cập nhật; hãy tải "
                                         "lại trang rồi thử lại.", code=code)) from None

    # -- batches --------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Commands inside this block (in this thread) record nothing until
        ``Batch.save``: an import runs every row through the commands first,
        and saves only if every row was accepted. Aggregates read in the
        block are kept, so a file's rows read the catalogue and the calendar
        once."""
        if self._batches.get() is not None:
            raise RuntimeError("batches do not nest")
        batch = Batch(self)
        token = self._batches.set(batch)
        try:
            yield batch
        finally:
            self._batches.reset(token)

    def _store(self, *aggregates: LedgerAggregate) -> None:
        if (batch := self._batches.get()) is not None:
            batch.keep(*aggregates)
        else:
            self.save(*aggregates)

    # -- helpers --------------------------------------------------------
    def _get(self, aggregate_id: Any, error: Exception) -> Any:
        batch = self._batches.get()
        if batch is not None:
            if (kept := batch.get(aggregate_id)) is not None:
                return kept
            if aggregate_id in batch.missing:
                raise error
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            if batch is not None:
                batch.missing.add(aggregate_id)
            raise error from None
        if batch is not None:
            batch.read(aggregate)
        return aggregate

    def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None:
        """Save a new aggregate; its id comes from its natural key, so a
        second creation, even by another process at the same moment,
        fails on the store's uniqueness and records nothing."""
        batch = self._batches.get()
        if batch is not None and batch.get(aggregate.id) is not None:
            raise taken
        try:
            self._store(aggregate)
        except IntegrityError:
            raise taken from None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidValue(Text("Vai trò không hợp lệ: %(role)s.", role=role), "role")


def _require(value: str, message: str, field: str) -> None:
    if not value:
        raise InvalidValue(message, field)


PROGRESS_EVERY = 100  # aggregates encoded between two reports of a batch's saving


class Batch:
    """Aggregates a batch of commands changed, in the order first changed,
    and those it read, to read again without the log."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.changed: dict[Any, LedgerAggregate] = {}
        self.seen: dict[Any, LedgerAggregate] = {}
        self.missing: set[Any] = set()  # ids the log did not hold when asked

    def get(self, aggregate_id: Any) -> LedgerAggregate | None:
        return self.changed.get(aggregate_id) or self.seen.get(aggregate_id)

    def read(self, aggregate: LedgerAggregate) -> None:
        self.seen[aggregate.id] = aggregate

    def keep(self, *aggregates: LedgerAggregate) -> None:
        for aggregate in aggregates:
            self.changed[aggregate.id] = aggregate
            self.missing.discard(aggregate.id)

    def forget(self, aggregate_id: Any) -> None:
        """Drop what the batch holds of an aggregate (its changes too): the
        next command reads it from the log again."""
        self.changed.pop(aggregate_id, None)
        self.seen.pop(aggregate_id, None)

    @property
    def pending(self) -> int:
        return sum(1 for a in self.changed.values() if a.pending_events)

    def save(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Save what the batch changed in one transaction of the event store:
        refused, or the process killed, at any moment, either every event of
        the batch is recorded or none is. The events are encoded first,
        ``progress(done, total)`` every ``PROGRESS_EVERY`` aggregates and after
        the last; then they are appended at once. Returns how many aggregates
        were saved."""
        pending = [a for a in self.changed.values() if a.pending_events]
        mapper, stored = self.ledger.mapper, []
        for done, aggregate in enumerate(pending, 1):
            stored += map(mapper.to_stored_event, aggregate.pending_events)
            if progress and (done % PROGRESS_EVERY == 0 or done == len(pending)):
                progress(done, len(pending))
        if stored:
            self.ledger.recorder.insert_events(stored)
        for aggregate in pending:
            aggregate.collect_events()  # recorded: no longer pending
        self.changed.clear()
        return len(pending)


def _now() -> datetime:
    return datetime.now(UTC)
