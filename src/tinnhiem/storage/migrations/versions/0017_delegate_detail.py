"""What tells two delegates of the same name apart when the list gives it: date of birth, Mã cán bộ.

Revision ID: 0017
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('delegates') as batch:
        batch.add_column(sa.Column('detail', sa.String(length=300), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('delegates') as batch:
        batch.drop_column('detail')
