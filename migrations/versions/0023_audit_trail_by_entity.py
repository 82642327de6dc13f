"""The audit trail read by record: an index by commune, record and position,
so that a dossier's, a document's, a household's or a violation's page links
to its own entries and the trail answers from the index, newest first.

Revision ID: 0023
Revises: 0022
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_trail_entity", "audit_trail", ["commune", "entity", "position"])


def downgrade() -> None:
    op.drop_index("ix_audit_trail_entity", table_name="audit_trail")
