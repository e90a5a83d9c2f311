"""Named accounts for organisers and committee members, their roles per round, and sessions kept on the server.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('admin', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('login', name=op.f('pk_accounts'))
    )
    op.create_table('round_roles',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('member', sa.String(length=300), nullable=False),
    sa.CheckConstraint("role IN ('organiser', 'committee')", name=op.f('ck_round_roles_role')),
    sa.ForeignKeyConstraint(['login'], ['accounts.login'], name=op.f('fk_round_roles_login_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_roles_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'login', 'role', name=op.f('pk_round_roles'))
    )
    op.create_table('staff_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('expires', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['login'], ['accounts.login'], name=op.f('fk_staff_sessions_login_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_sessions'))
    )
    op.create_index(op.f('ix_staff_sessions_login'), 'staff_sessions', ['login'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_sessions_login'), table_name='staff_sessions')
    op.drop_table('staff_sessions')
    op.drop_table('round_roles')
    op.drop_table('accounts')
