"""The device each typing of the paper totals came from (a hash of the session's own random mark), so that
the two typings of a double entry come from two devices.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('count_entries') as batch:
        batch.add_column(sa.Column('device', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('count_entries') as batch:
        batch.drop_column('device')
