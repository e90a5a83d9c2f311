"""The paper chain: copies caught by content, sheets withdrawn with a reason, every ink figure kept.

Revision ID: 0010
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('paper_sheets') as batch:
        batch.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('signature', sa.Text(), nullable=True))
        batch.add_column(sa.Column('copy_of', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('withdrawn', sa.Text(), nullable=True))
        batch.add_column(sa.Column('withdrawn_by', sa.String(length=300), nullable=False, server_default=''))
        batch.create_index('ix_paper_sheets_content_hash', ['content_hash'])
    with op.batch_alter_table('paper_rows') as batch:
        batch.add_column(sa.Column('ink', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('paper_rows') as batch:
        batch.drop_column('ink')
    with op.batch_alter_table('paper_sheets') as batch:
        batch.drop_index('ix_paper_sheets_content_hash')
        for column in ('withdrawn_by', 'withdrawn', 'copy_of', 'signature', 'content_hash'):
            batch.drop_column(column)
