"""procedure catalogue

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('procedure',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('authority', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('inter_agency', sa.Boolean(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('online_address', sa.Text(), nullable=False),
    sa.Column('abolished', sa.Boolean(), nullable=False),
    sa.Column('listed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_procedure_commune_code', 'procedure', ['commune', 'code'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_procedure_commune_code', table_name='procedure')
    op.drop_table('procedure')
