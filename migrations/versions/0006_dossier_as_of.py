"""Dossiers as of any day: when the supplement was asked for and came back,
the due date in force before it; fees as 64-bit amounts.

The dossier table is a projection: it is recreated in its new shape and its
position reset, so the engine replays the log into it on the next catch-up.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.drop_table("dossier")
    op.execute("DELETE FROM projection_position WHERE name = 'dossiers'")
    op.create_table(
        "dossier",
        sa.Column("id", TEXT(length=36), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("code", TEXT(length=64), nullable=False),
        sa.Column("procedure_code", TEXT(length=64), nullable=False),
        sa.Column("applicant", TEXT(length=255), nullable=False),
        sa.Column("channel", TEXT(length=16), nullable=False),
        sa.Column("online_mode", TEXT(length=16), nullable=False),
        sa.Column("inter_agency", sa.Boolean(), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("received_at", TIME(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("original_due_date", sa.Date(), nullable=False),
        sa.Column("due_before_supplement", sa.Date(), nullable=False),
        sa.Column("supplement_requested_on", sa.Date(), nullable=True),
        sa.Column("supplement_received_on", sa.Date(), nullable=True),
        sa.Column("appointment_date", sa.Date(), nullable=True),
        sa.Column("first_apology_on", sa.Date(), nullable=True),
        sa.Column("supplements", sa.Integer(), nullable=False),
        sa.Column("handovers", sa.Integer(), nullable=False),
        sa.Column("holder", TEXT(length=64), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("digitised", sa.Boolean(), nullable=False),
        sa.Column("e_certified", sa.Boolean(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("refused_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("fee_paid", sa.BigInteger(), nullable=True),
        sa.Column("paid_online", sa.Boolean(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("recorded_by", TEXT(length=64), nullable=False),
        sa.Column("source", TEXT(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dossier_commune_code", "dossier", ["commune", "code"], unique=True)
    op.create_index(
        "ix_dossier_commune_received", "dossier", ["commune", "received_on"], unique=False
    )
    op.create_index(
        "ix_dossier_commune_resolved", "dossier", ["commune", "resolved_on"], unique=False
    )
    op.create_index(
        "ix_dossier_commune_status", "dossier", ["commune", "status", "due_date"], unique=False
    )


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
