"""Decryption shares that committee members compute on their own devices, verified, kept until k arrive.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_column('shares')

