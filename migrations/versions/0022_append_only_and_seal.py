"""The stored events append-only in the database too: triggers refuse any
UPDATE or DELETE (and, on PostgreSQL, TRUNCATE) of the event store's table
and of the signed checkpoints. The hash chain over the log (``audit_seal``,
kept by ``projections.seal``) and the checkpoints signed over it
(``audit_checkpoint``). The audit trail (``projections.audit_trail``), one
row per event; the engine fills it from the log on the next catch-up. Each
verification's outcome (``audit_verification``), for the audit page.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Tables nothing may change once written; the event store's is the library's.
SQLITE_EVENTS, POSTGRES_EVENTS = "stored_events", "ledger_events"
REFUSAL = "append-only: recorded rows are never changed or deleted"


def _append_only() -> list[str]:
    events = SQLITE_EVENTS if op.get_bind().dialect.name == "sqlite" else POSTGRES_EVENTS
    return [events, "audit_checkpoint"]


def upgrade() -> None:
    op.create_table(
        "audit_seal",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("position"))
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_table(
        "audit_trail",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("commune", sa.String(length=32), nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delay_seconds", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("position"))
    op.create_table(
        "audit_verification",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("broken_at", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_audit_trail_commune", "audit_trail", ["commune", "position"])
    op.create_index("ix_audit_trail_actor", "audit_trail", ["commune", "actor", "position"])
    if op.get_bind().dialect.name == "sqlite":
        for table in _append_only():
            for change in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} "
                           f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} is {REFUSAL}'); END")
        return
    op.execute("CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger "
               "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is " + REFUSAL + " (% refused)', "
               "TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege'; END $$")
    for table in _append_only():
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _append_only():
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")
    op.drop_table("audit_verification")
    op.drop_table("audit_trail")
    op.drop_table("audit_checkpoint")
    op.drop_table("audit_seal")
