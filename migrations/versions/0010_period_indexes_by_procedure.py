"""A period's receipts and results by procedure from the indexes alone: the
indexes by day of receipt and of result also hold the procedure and what its
counts need (refused or not; the due date), so the figures by field read no
table row.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_dossier_commune_received", table_name="dossier")
    op.create_index("ix_dossier_commune_received", "dossier",
                    ["commune", "received_on", "procedure_code", "refused_on"])
    op.drop_index("ix_dossier_commune_resolved", table_name="dossier")
    op.create_index("ix_dossier_commune_resolved", "dossier",
                    ["commune", "resolved_on", "procedure_code", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_dossier_commune_resolved", table_name="dossier")
    op.create_index("ix_dossier_commune_resolved", "dossier", ["commune", "resolved_on"])
    op.drop_index("ix_dossier_commune_received", table_name="dossier")
    op.create_index("ix_dossier_commune_received", "dossier", ["commune", "received_on"])
