"""The risk-limiting audit of the paper count: its risk limit and seed, the draws asked for, each member's readings.

Revision ID: 0018
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('paper_audits',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('risk_limit', sa.String(length=40), nullable=False),
    sa.Column('seed', sa.String(length=200), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.String(length=300), nullable=False),
    sa.CheckConstraint('drawn >= 0', name=op.f('ck_paper_audits_drawn')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_paper_audits_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_paper_audits'))
    )
    op.create_table('paper_audit_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=300), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['paper_audits.round_id'], name=op.f('fk_paper_audit_readings_round_id_paper_audits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sheet_id'], ['paper_sheets.id'], name=op.f('fk_paper_audit_readings_sheet_id_paper_sheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_audit_readings')),
    sa.UniqueConstraint('sheet_id', 'member', name='uq_paper_audit_readings_sheet_member')
    )
    op.create_index(op.f('ix_paper_audit_readings_round_id'), 'paper_audit_readings', ['round_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_paper_audit_readings_round_id'), table_name='paper_audit_readings')
    op.drop_table('paper_audit_readings')
    op.drop_table('paper_audits')
