"""The day each dossier's fee was paid, and the fees paid (and of them paid
online) kept by day among the counter's tallies (``projections.tallies``):
the report's fees section and the online payment target read them.

The dossier table and its tallies are a projection: their rows go and its
position is reset, so the engine replays the log into them on the next
catch-up.

Revision ID: 0015
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM dossier_tally")
    op.execute("DELETE FROM dossier")
    op.execute("DELETE FROM projection_position WHERE name = 'dossiers'")
    op.add_column("dossier", sa.Column("paid_on", sa.Date(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
