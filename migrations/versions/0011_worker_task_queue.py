"""tasks run on a queue: attempts (bounded retries) and the actor that started them

Revision ID: worker_task_queue
Revises: 0008
Create Date: 2026-12-03 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'worker_task_queue'
down_revision = 'secsms_phone_verification'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('actor', sa.JSON(), nullable=True))
        batch_op.create_check_constraint('attempts', 'attempts >= 0')


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tasks_attempts'), type_='check')
        batch_op.drop_column('actor')
        batch_op.drop_column('attempts')
