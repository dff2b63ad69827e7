"""pending logins keep the PKCE verifier and nonce of an OpenID Connect login

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Every bake gets the columns, with or without the oidc option: one schema history.
    with op.batch_alter_table('pending_login', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_verifier', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('nonce', sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_login', schema=None) as batch_op:
        batch_op.drop_column('nonce')
        batch_op.drop_column('code_verifier')
