"""Scanned paper sheets with their rows and decisions; delegates' attendance and voting channel.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('paper_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('source_page', sa.Integer(), nullable=False),
    sa.Column('image_sha256', sa.String(length=64), nullable=False),
    sa.Column('qr_text', sa.String(length=200), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=True),
    sa.Column('decided_by', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_paper_sheets_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_sheets')),
    sa.UniqueConstraint('round_id', 'image_sha256', 'source_page', name='uq_paper_sheets_round_image')
    )
    with op.batch_alter_table('paper_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_sheets_round_id'), ['round_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], name=op.f('fk_attendance_delegate_id_delegates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_attendance_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('delegate_id', name='uq_attendance_delegate')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_round_id'), ['round_id'], unique=False)

    op.create_table('paper_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('subject_number', sa.Integer(), nullable=False),
    sa.Column('read_state', sa.String(length=20), nullable=False),
    sa.Column('read_level', sa.Integer(), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['paper_sheets.id'], name=op.f('fk_paper_rows_sheet_id_paper_sheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_rows')),
    sa.UniqueConstraint('sheet_id', 'row', name='uq_paper_rows_sheet_row')
    )


def downgrade() -> None:
    op.drop_table('paper_rows')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_round_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('paper_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_sheets_round_id'))

    op.drop_table('paper_sheets')
