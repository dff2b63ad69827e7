"""item: the 事项 table

The 事项 feature's own Alembic branch (label "items"): it starts from nothing, so the
feature can be removed with its folder. `flask db upgrade` applies every branch.

Revision ID: items_0001
Revises:
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'items_0001'
down_revision = None
branch_labels = ('items',)
depends_on = None


def upgrade() -> None:
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('creator_userid', sa.String(length=64), nullable=False),
    sa.Column('creator_name', sa.String(length=64), nullable=False),
    sa.Column('assignee_userid', sa.String(length=64), nullable=False),
    sa.Column('assignee_name', sa.String(length=64), nullable=False),
    sa.Column('task_num', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_num')
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_assignee_userid'), ['assignee_userid'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_creator_userid'), ['creator_userid'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_status'))
        batch_op.drop_index(batch_op.f('ix_item_creator_userid'))
        batch_op.drop_index(batch_op.f('ix_item_assignee_userid'))

    op.drop_table('item')
