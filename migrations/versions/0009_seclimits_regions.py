"""code batches name their sales region; members' region changes are timestamped

Revision ID: seclimits_regions
Revises: 0008
Create Date: 2026-12-03 13:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'seclimits_regions'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Where a batch's packs are shipped: regional earning rules follow it, never the member's editable profile.
    with op.batch_alter_table('code_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_code', sa.String(length=6), nullable=True))
    # When the member last changed their profile region (they may do so once per REGION_CHANGE_DAYS).
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('region_changed_at')
    with op.batch_alter_table('code_batches', schema=None) as batch_op:
        batch_op.drop_column('region_code')
