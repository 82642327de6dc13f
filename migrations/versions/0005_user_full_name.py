"""Users get a full name, printed on slips and shown in timelines.

No event recorded before this revision sets one, so the column starts empty
for every existing user and the projection needs no replay.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as table:
        table.add_column(sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=100),
                                   nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as table:
        table.drop_column("full_name")
