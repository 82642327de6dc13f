"""Citizen portal accounts and citizen feedback: their rows and their counts
kept by day (``projections.citizens``). New projections: the engine fills
them from the log on the next catch-up.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def _tally(name: str) -> None:
    op.create_table(
        name,
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("metric", TEXT(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("commune", "metric", "day"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    op.execute("DELETE FROM projection_position WHERE name IN ('portal_accounts', 'feedback')")
    op.create_table(
        "portal_account",
        sa.Column("id", TEXT(length=36), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("citizen_name", TEXT(length=255), nullable=False),
        sa.Column("id_last_four", TEXT(length=4), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("clerk", TEXT(length=64), nullable=False),
        sa.Column("recorded_by", TEXT(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_portal_account_commune_list", "portal_account",
                    ["commune", "opened_on", "id"])
    _tally("portal_account_tally")
    op.create_table(
        "feedback",
        sa.Column("id", TEXT(length=36), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("code", TEXT(length=64), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", TEXT(length=32), nullable=False),
        sa.Column("subject", TEXT(length=1000), nullable=False),
        sa.Column("dossier_code", TEXT(length=64), nullable=False),
        sa.Column("procedure_code", TEXT(length=64), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("document", TEXT(length=64), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("recorded_by", TEXT(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_commune_code", "feedback", ["commune", "code"], unique=True)
    op.create_index("ix_feedback_commune_list", "feedback", ["commune", "received_on", "code"])
    _tally("feedback_tally")


def downgrade() -> None:
    for table in ("feedback_tally", "feedback", "portal_account_tally", "portal_account"):
        op.drop_table(table)
