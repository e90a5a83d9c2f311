"""Sealed reserve cards released by count, who handed out each check-in, and the sign-in limiter's per-round key.

- ``cards.sealed``: a reserve card the committee sealed before opening; unusable until a committee
  member releases one (by count) for a late electronic check-in; cleared at closing (unused ones are void).
- ``card_reserves``: per round, how many reserve cards the committee has released (never which).
- ``attendance.checked_in_by``: the account that checked a delegate in (a second tap is told by whom).
- ``sign_in_keys``: the per-round secret that keys the sign-in limiter's entries (an HMAC of the card's
  credential); deleted at closing.

Revision ID: 0014
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cards', sa.Column('sealed', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('attendance', sa.Column('checked_in_by', sa.String(length=64), nullable=True))
    op.create_table('card_reserves',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('released', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_card_reserves_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_card_reserves'))
    )
    op.create_table('sign_in_keys',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_sign_in_keys_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_sign_in_keys'))
    )


def downgrade() -> None:
    op.drop_table('sign_in_keys')
    op.drop_table('card_reserves')
    with op.batch_alter_table('attendance') as batch:
        batch.drop_column('checked_in_by')
    with op.batch_alter_table('cards') as batch:
        batch.drop_column('sealed')
