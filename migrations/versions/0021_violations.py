"""The violations register's read models and their tallies kept by day
(``projections.violations``).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('violation',
    sa.Column('id', _text(36), nullable=False),
    sa.Column('commune', _text(32), nullable=False),
    sa.Column('code', _text(64), nullable=False),
    sa.Column('kind', _text(32), nullable=False),
    sa.Column('village', _text(64), nullable=False),
    sa.Column('place', _text(255), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('offender', _text(255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('began', sa.Integer(), nullable=False),
    sa.Column('is_new', sa.Boolean(), nullable=False),
    sa.Column('detected_by', _text(255), nullable=False),
    sa.Column('detected_on', sa.Date(), nullable=False),
    sa.Column('status', _text(16), nullable=False),
    sa.Column('record_number', _text(64), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=True),
    sa.Column('decision_number', _text(64), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('complied_on', sa.Date(), nullable=True),
    sa.Column('enforced_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('remedy', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Integer(), nullable=False),
    sa.Column('corrections', sa.Integer(), nullable=False),
    sa.Column('recorded_by', _text(64), nullable=False),
    sa.Column('source', _text(255), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_violation_commune_code', 'violation', ['commune', 'code'], unique=True)
    op.create_index('ix_violation_commune_list', 'violation', ['commune', 'detected_on', 'code'],
                    unique=False)
    op.create_index('ix_violation_commune_deadline', 'violation', ['commune', 'deadline'],
                    unique=False, sqlite_where=sa.text('deadline IS NOT NULL'),
                    postgresql_where=sa.text('deadline IS NOT NULL'))
    op.create_table('violation_tally',
    sa.Column('commune', _text(32), nullable=False),
    sa.Column('metric', _text(16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', _text(32), nullable=False),
    sa.Column('village', _text(64), nullable=False),
    sa.Column('began', sa.Integer(), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('commune', 'metric', 'day', 'kind', 'village', 'began'),
    sqlite_with_rowid=False
    )
    op.create_table('violation_evidence',
    sa.Column('id', _text(48), nullable=False),
    sa.Column('commune', _text(32), nullable=False),
    sa.Column('violation', _text(36), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('sha256', _text(64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', _text(32), nullable=False),
    sa.Column('name', _text(255), nullable=False),
    sa.Column('recorded_by', _text(64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_violation_evidence_violation', 'violation_evidence',
                    ['violation', 'step'], unique=False)
    op.create_index('ix_violation_evidence_commune_sha256', 'violation_evidence',
                    ['commune', 'sha256'], unique=False)


def downgrade() -> None:
    raise NotImplementedError("projection tables are rebuilt forward only")
