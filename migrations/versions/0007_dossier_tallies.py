"""The counter's tallies kept by day beside the dossier rows
(``projections.tallies``), and indexes that find the dossiers withdrawn or
stopped in a run of days.

The dossier table is a projection: its rows go and its position is reset,
so the engine replays the log into it, and into the new tally table, on the
next catch-up.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.execute("DELETE FROM dossier")
    op.execute("DELETE FROM projection_position WHERE name = 'dossiers'")
    op.create_table(
        "dossier_tally",
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("metric", TEXT(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("commune", "metric", "day"),
        sqlite_with_rowid=False,
    )
    for column in ("withdrawn_on", "stopped_on"):
        only_set = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_dossier_commune_{column.removesuffix('_on')}", "dossier",
                        ["commune", column], unique=False, sqlite_where=only_set,
                        postgresql_where=only_set)


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
