"""Electronic voting: elections (manifest, ceremony, key), sign-in codes, voters, cast ballots, ciphertexts.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cast_ballots',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=19), nullable=False),
    sa.Column('spoiled', sa.Boolean(), nullable=False),
    sa.Column('ballot', sa.JSON(), nullable=False),
    sa.Column('secrets', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_cast_ballots_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cast_ballots')),
    sa.UniqueConstraint('round_id', 'code', name='uq_cast_ballots_round_code')
    )
    with op.batch_alter_table('cast_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cast_ballots_round_id'), ['round_id'], unique=False)

    op.create_table('ciphertexts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('alpha', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_ciphertexts_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ciphertexts')),
    sa.UniqueConstraint('round_id', 'alpha', name='uq_ciphertexts_round_alpha')
    )
    op.create_table('elections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('committee', sa.JSON(), nullable=False),
    sa.Column('joint_key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('decryption', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_elections_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elections')),
    sa.UniqueConstraint('round_id', name=op.f('uq_elections_round_id'))
    )
    op.create_table('sign_in_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], name=op.f('fk_sign_in_codes_delegate_id_delegates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_codes')),
    sa.UniqueConstraint('delegate_id', name=op.f('uq_sign_in_codes_delegate_id'))
    )
    op.create_table('voters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], name=op.f('fk_voters_delegate_id_delegates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_voters_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voters')),
    sa.UniqueConstraint('delegate_id', name='uq_voters_delegate')
    )
    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voters_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voters_round_id'))

    op.drop_table('voters')
    op.drop_table('sign_in_codes')
    op.drop_table('elections')
    op.drop_table('ciphertexts')
    with op.batch_alter_table('cast_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cast_ballots_round_id'))

    op.drop_table('cast_ballots')
