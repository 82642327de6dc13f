"""On SQLite, the audit trail's and the seal's position is the table's own
row id (a column of type INTEGER that is the primary key): each table is
then one B-tree instead of the table and a second one for its key. A
rebuild writes both a row per event, so this is what it writes least of;
the tables answer by position as before. PostgreSQL keeps BIGINT keys.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TABLES = ("audit_trail", "audit_seal")


def _position_as(kind: type[sa.types.TypeEngine[int]]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # Batch mode copies the rows into the table made anew, indexes and all.
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.alter_column("position", type_=kind(), existing_nullable=False,
                               autoincrement=False)


def upgrade() -> None:
    _position_as(sa.Integer)


def downgrade() -> None:
    _position_as(sa.BigInteger)
