"""The households stream's read models and their tallies kept by day
(``projections.households``), and the household list's search index
(``projections.search``).

Revision ID: 0020
Revises: 0016
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from projections import search

revision = "0020"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('household',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('head', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=True),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('villages', sa.Text(), nullable=False),
    sa.Column('spells', sa.Text(), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('non_compliant', sa.Integer(), nullable=False),
    sa.Column('last_check_on', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_household_commune_code', 'household', ['commune', 'code'], unique=True)
    op.create_index('ix_household_commune_village', 'household', ['commune', 'village', 'code'], unique=False)
    op.create_table('household_check',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('household', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('compliant', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('checker', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_household_check_household', 'household_check', ['commune', 'household', 'day'], unique=False)
    op.create_table('household_check_tally',
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('commune', 'metric', 'day', 'village'),
    sqlite_with_rowid=False
    )
    op.create_table('household_reference',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entries', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_household_reference_commune', 'household_reference', ['commune'], unique=False)
    op.create_table('household_tally',
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('commune', 'metric', 'day', 'village'),
    sqlite_with_rowid=False
    )
    op.create_table('monitoring_group',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('responsible', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('households', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_monitoring_group_commune_village', 'monitoring_group', ['commune', 'village'], unique=False)
    op.create_table('supply_movement',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('household', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('document', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_supply_movement_commune_day', 'supply_movement', ['commune', 'day', 'id'], unique=False)
    op.create_table('supply_tally',
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('commune', 'item', 'metric', 'day', 'village'),
    sqlite_with_rowid=False
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for statement in search.sqlite_schema("household", "search_text"):
            op.execute(statement)
    else:
        search.postgres_schema(conn, "household", "search_text")


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
