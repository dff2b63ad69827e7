"""item: indexes that serve a box's page in id order

A page of 待我办理 or 我发起的 (features/items/service.py BoxPages) filters by person (and
status) and orders by id; with an index on the person alone, the database sorted every item
of the box for each page. These walk the index in order and stop after a page.

Building an index blocks writes to the table meanwhile: instant for a new app; with a large
table, upgrade in a quiet hour.

Revision ID: items_0002
Revises: items_0001
Create Date: 2026-12-04 16:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'items_0002'
down_revision = 'items_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_todo_box', ['assignee_userid', 'status', 'id'], unique=False)
        batch_op.create_index('ix_item_created_box', ['creator_userid', 'id'], unique=False)
        # Both were prefixes of the new ones.
        batch_op.drop_index('ix_item_assignee_userid')
        batch_op.drop_index('ix_item_creator_userid')


def downgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_creator_userid', ['creator_userid'], unique=False)
        batch_op.create_index('ix_item_assignee_userid', ['assignee_userid'], unique=False)
        batch_op.drop_index('ix_item_created_box')
        batch_op.drop_index('ix_item_todo_box')
