"""The electronic check-ins when voting opened: each reserve card released needs a check-in made after it.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('card_reserves') as batch:
        batch.add_column(sa.Column('opened_with', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('card_reserves') as batch:
        batch.drop_column('opened_with')
