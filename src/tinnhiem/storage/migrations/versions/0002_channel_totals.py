"""Totals per channel: paper and electronic counts of one round kept apart, added for the result.

The typed paper totals that round_subjects held move to channel_totals as channel "paper".

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COUNTS = ("count_high", "count_confidence", "count_low", "count_no_confidence")


def upgrade() -> None:
    # Read the typed totals first: on SQLite, batch mode recreates round_subjects, and dropping the
    # old table would cascade into a channel_totals table that already pointed at it.
    counted = op.get_bind().execute(sa.text(
        f"SELECT id, {', '.join(COUNTS)}, invalid FROM round_subjects WHERE invalid IS NOT NULL")).all()
    with op.batch_alter_table('round_subjects', schema=None) as batch_op:
        for column in (*COUNTS, "invalid"):
            batch_op.drop_column(column)
    table = op.create_table('channel_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_subject_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('count_high', sa.Integer(), nullable=True),
    sa.Column('count_confidence', sa.Integer(), nullable=True),
    sa.Column('count_low', sa.Integer(), nullable=True),
    sa.Column('count_no_confidence', sa.Integer(), nullable=True),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_subject_id'], ['round_subjects.id'], name=op.f('fk_channel_totals_round_subject_id_round_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_totals')),
    sa.UniqueConstraint('round_subject_id', 'channel', name='uq_channel_totals_subject_channel')
    )
    rows = [dict(zip(("round_subject_id", *COUNTS, "invalid"), row, strict=True)) | {"channel": "paper"}
            for row in counted]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    paper = op.get_bind().execute(sa.text(
        f"SELECT round_subject_id, {', '.join(COUNTS)}, invalid FROM channel_totals WHERE channel = 'paper'")).all()
    op.drop_table('channel_totals')
    with op.batch_alter_table('round_subjects', schema=None) as batch_op:
        for column in (*COUNTS, "invalid"):
            batch_op.add_column(sa.Column(column, sa.INTEGER(), nullable=True))
    for row in paper:
        values = dict(zip(("id", *COUNTS, "invalid"), row, strict=True))
        op.get_bind().execute(sa.text(
            "UPDATE round_subjects SET " + ", ".join(f"{c} = :{c}" for c in (*COUNTS, "invalid")) + " WHERE id = :id"),
            values)
