"""The dossier list sorted by due date or by applicant, each through an index
it pages along: the applicant folded (``projections.dossiers.applicant_key``)
in a column of its own, so that names sort as a reader expects ("Ánh" beside
"Anh") on SQLite and PostgreSQL alike. By receipt and by code the list has
its indexes already (0008 and the unique code).

The dossier table is a projection: its rows and tallies go and its position
is reset, so the engine replays the log into it on the next catch-up, which
fills the new column.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.execute("DELETE FROM dossier")
    op.execute("DELETE FROM dossier_tally")
    op.execute("DELETE FROM projection_position WHERE name = 'dossiers'")
    op.add_column("dossier", sa.Column("applicant_key", TEXT(length=255), nullable=False,
                                       server_default=""))
    op.create_index("ix_dossier_commune_due_list", "dossier", ["commune", "due_date", "code"])
    op.create_index("ix_dossier_commune_applicant_list", "dossier",
                    ["commune", "applicant_key", "code"])


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
