"""The ledger as the web pages and the command line use it: the event-sourced
application, the projection engine, and the database they share."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from events.application import Ledger
from events.store import DatabaseURL, storage_refused
from projections import queries
from projections.access import AccessProjection
from projections.catalogue import ProcedureProjection
from projections.citizens import FeedbackProjection, PortalAccountProjection
from projections.db import make_engine
from projections.directory import CommuneProjection, UserProjection
from projections.documents import DocumentProjection
from projections.dossiers import DossierProjection
from projections.audit_trail import AuditTrailProjection
from projections.seal import SealProjection
from projections.targets import TargetProjection
from projections.households import household_projections
from projections.violations import violation_projections
from projections.engine import Engine, ProjectionFailed

log = logging.getLogger(__name__)
T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
# How long a web request's catch-up may go on starting pages. After a command
# it takes milliseconds; only a replay under way (a rebuild) takes longer,
# and gunicorn stops a worker that answers nothing for 30 s.
REQUEST_CATCH_UP_SECONDS = 5.0


class LedgerService:
    def __init__(self, database_url: str, timezone: str = "Asia/Ho_Chi_Minh",
                 create_tables: bool = False, page_size: int = 1000,
                 id_hash_key: bytes | None = None) -> None:
        self.url = DatabaseURL(database_url)
        self.timezone = timezone
        # Only `db upgrade` creates tables: two workers creating them at once collide.
        env = self.url.eventsourcing_env() | {"CREATE_TABLE": "y" if create_tables else "n"}
        self.ledger = Ledger(env, timezone)
        self.ledger.id_hash_key = id_hash_key
        self.db = make_engine(self.url)
        projections = [CommuneProjection(), UserProjection(), AccessProjection(),
                       ProcedureProjection(), DossierProjection(timezone),
                       DocumentProjection(timezone), TargetProjection()]
        projections += [PortalAccountProjection(), FeedbackProjection()]
        projections += household_projections()
        projections += violation_projections()
        projections += [SealProjection(), AuditTrailProjection()]
        self.engine = Engine(self.ledger, self.db, projections, page_size)
        self.ledger.open_dossier_codes = self.open_dossier_codes
        self.ledger.admin_names = self.admin_names

    def open_dossier_codes(self, commune: str) -> list[str] | None:
        """The commune's open dossiers as the read model holds them, for a
        calendar declaration to move their due dates; None (the ledger then
        reads the log) while that read model is behind or has failed."""
        if not self._current("dossiers"):
            return None
        with self.read() as conn:
            return queries.open_dossier_codes(conn, commune)

    def admin_names(self, commune: str) -> list[str] | None:
        """The commune's enabled admins as the read model holds them, so
        that the last one is kept; None (the ledger reads the log) while
        that read model is behind or has failed."""
        if not self._current("users"):
            return None
        with self.read() as conn:
            return queries.admin_names(conn, commune)

    def _current(self, projection: str) -> bool:
        self.catch_up()
        return not any(s.name == projection and (s.behind or s.error)
                       for s in self.engine.status())

    def record(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a command, then bring the projections up to date so that the
        user sees their own write at once. A failing projection does not undo
        the recorded event: it is logged and shows as behind."""
        result = command(*args, **kwargs)
        self.catch_up(after_write=True, budget=REQUEST_CATCH_UP_SECONDS)
        return result

    def catch_up(self, after_write: bool = False, budget: float | None = None) -> bool:
        """``budget``: see ``Engine.catch_up``; web requests pass
        ``REQUEST_CATCH_UP_SECONDS``, commands that report wait for all. A
        projection that failed is retried only once its back-off wait ends,
        not by every request and poll."""
        try:
            self.engine.catch_up(after_write=after_write, budget=budget, backoff=True)
            return True
        except ProjectionFailed as failure:
            log.error("projections are behind: %s", failure)
            return False
        except Exception as error:
            if not storage_refused(error):
                raise
            # The disk takes no write now: the read models stay as they
            # are, pages still read them, and the next catch-up goes on.
            log.error("projections are behind, the database refuses writes: %s", error)
            return False

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.db.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.db.begin() as conn:
            yield conn

    def close(self) -> None:
        self.ledger.close()
        self.db.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Create or migrate every table: the event store's (owned by the
    library) and the projections' (Alembic, up to ``revision``). Safe to
    repeat; run it once before starting workers, which never create tables
    themselves."""
    _migrate(database_url, command.upgrade, revision)


def downgrade(database_url: str, revision: str) -> None:
    """The projections' tables taken back to an earlier Alembic revision."""
    _migrate(database_url, command.downgrade, revision)


def _migrate(database_url: str, step: Callable[[Config, str], None], revision: str) -> None:
    service = LedgerService(database_url, create_tables=True)
    try:
        with service.db.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(ROOT / "migrations"))
            config.attributes["connection"] = conn
            step(config, revision)
    finally:
        service.close()
