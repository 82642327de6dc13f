"""The dossier list by index and search by trigrams: each dossier's code and
applicant folded into ``search_text`` (``projections.search``), indexed by an
FTS5 trigram table on SQLite and a ``pg_trgm`` GIN index on PostgreSQL;
indexes that serve the list newest first, whole and by status.

The dossier table is a projection: its rows and tallies go and its position
is reset, so the engine replays the log into it on the next catch-up, with
the received times in the business zone.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from projections import search

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.execute("DELETE FROM dossier")
    op.execute("DELETE FROM dossier_tally")
    op.execute("DELETE FROM projection_position WHERE name = 'dossiers'")
    op.add_column("dossier", sa.Column("search_text", TEXT(length=320), nullable=False,
                                       server_default=""))
    op.create_index("ix_dossier_commune_list", "dossier", ["commune", "received_at", "code"])
    op.create_index("ix_dossier_commune_status_list", "dossier",
                    ["commune", "status", "received_at", "code"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for statement in search.sqlite_schema("dossier", "search_text"):
            op.execute(statement)
    else:
        search.postgres_schema(conn, "dossier", "search_text")


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
