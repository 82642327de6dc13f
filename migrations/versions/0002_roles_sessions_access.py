"""Roles, scopes and disabling on users; server-side sessions; log-in attempts.

The users table is a projection: it is recreated in its new shape and its
position reset, so the engine replays the log into it on the next catch-up.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.drop_table("app_user")
    op.create_table(
        "app_user",
        sa.Column("id", TEXT(length=36), primary_key=True),
        sa.Column("name", TEXT(length=64), nullable=False, unique=True),
        sa.Column("roles", TEXT(length=255), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("scope", TEXT(length=1024), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("registered_at", TIME(), nullable=False),
    )
    op.execute("DELETE FROM projection_position WHERE name = 'users'")
    op.create_table(
        "login_attempt",
        sa.Column("id", TEXT(length=48), primary_key=True),
        sa.Column("name", TEXT(length=64), nullable=False),
        sa.Column("address", TEXT(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", TIME(), nullable=False),
    )
    op.create_index("ix_login_attempt_name", "login_attempt", ["name", "at"])
    op.create_index("ix_login_attempt_address", "login_attempt", ["address", "at"])
    op.create_table(
        "login_session",
        sa.Column("id", TEXT(length=64), primary_key=True),
        sa.Column("user_id", TEXT(length=36), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("address", TEXT(length=64), nullable=False),
        sa.Column("created_at", TIME(), nullable=False),
        sa.Column("last_seen_at", TIME(), nullable=False),
        sa.Column("ended_at", TIME(), nullable=True),
    )
    op.create_index("ix_login_session_user_id", "login_session", ["user_id"])


def downgrade() -> None:
    op.drop_table("login_session")
    op.drop_table("login_attempt")
    op.drop_table("app_user")
    op.create_table(
        "app_user",
        sa.Column("id", TEXT(length=36), primary_key=True),
        sa.Column("name", TEXT(length=64), nullable=False, unique=True),
        sa.Column("role", TEXT(length=16), nullable=False),
        sa.Column("commune", TEXT(length=32), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("registered_at", TIME(), nullable=False),
    )
    op.execute("DELETE FROM projection_position WHERE name = 'users'")
