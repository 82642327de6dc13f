"""The targets set for each commune (``projections.targets``).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "target",
        sa.Column("id", TEXT(length=36), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("indicator", TEXT(length=32), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("document", TEXT(length=64), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("issuer", TEXT(length=255), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("set_by", TEXT(length=64), nullable=False),
        sa.Column("set_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_target_commune_period", "target", ["commune", "start", "end"])


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
