"""The document register (``projections.documents``): one row per document,
and its tallies kept by day of issue. The engine fills both from the log on
the next catch-up.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", TEXT(length=36), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("symbol", TEXT(length=40), nullable=False),
        sa.Column("number_symbol", TEXT(length=48), nullable=False),
        sa.Column("doc_type", TEXT(length=16), nullable=False),
        sa.Column("title", TEXT(length=1000), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("signer", TEXT(length=255), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("task", TEXT(length=32), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("signed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_by", TEXT(length=255), nullable=True),
        sa.Column("certificate_serial", TEXT(length=64), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("address", TEXT(length=1000), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", TEXT(length=1000), nullable=True),
        sa.Column("replaced_by_id", TEXT(length=36), nullable=True),
        sa.Column("replaced_by", TEXT(length=48), nullable=True),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("recorded_by", TEXT(length=64), nullable=False),
        sa.Column("source", TEXT(length=255), nullable=False),
        sa.Column("search_text", TEXT(length=1100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_commune_number", "document",
                    ["commune", "year", "number_symbol"], unique=True)
    op.create_index("ix_document_commune_list", "document",
                    ["commune", "issued_on", "number", "id"])
    op.create_index("ix_document_commune_symbol", "document",
                    ["commune", "year", "symbol", "number"])
    for column in ("signed_on", "published_on"):
        only_set = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_document_commune_{column}", "document", ["commune", column],
                        sqlite_where=only_set, postgresql_where=only_set)
    only_set = sa.text("replaced_by_id IS NOT NULL")
    op.create_index("ix_document_replaced_by", "document", ["replaced_by_id"],
                    sqlite_where=only_set, postgresql_where=only_set)
    op.create_table(
        "document_tally",
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("metric", TEXT(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("commune", "metric", "day"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("document_tally")
    op.drop_table("document")
