"""Alembic environment: migrations run on the connection the ledger's
``db upgrade`` hands over, inside its transaction."""

from alembic import context
from sqlmodel import SQLModel

import app.people.credentials  # noqa: F401  (registers its table)
import app.people.sessions  # noqa: F401
import projections.access  # noqa: F401
import projections.catalogue  # noqa: F401
import projections.directory  # noqa: F401
import projections.documents  # noqa: F401
import projections.dossiers  # noqa: F401
import projections.engine  # noqa: F401

target_metadata = SQLModel.metadata
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata)
with context.begin_transaction():
    context.run_migrations()
