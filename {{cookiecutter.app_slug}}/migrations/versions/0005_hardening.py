"""the user_ticket is kept only sealed; pending logins count per client address

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Plain-text tickets are dropped, not sealed: they live 30 minutes, and sealing needs
    # the browser's cookie. Users who had consented see their fields after consenting again.
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_column('user_ticket')
        batch_op.add_column(sa.Column('user_ticket_sealed', sa.String(length=1024),
                                      nullable=True))
    with op.batch_alter_table('pending_login', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_pending_login_origin_expires_at', ['origin', 'expires_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('pending_login', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_login_origin_expires_at')
        batch_op.drop_column('origin')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_column('user_ticket_sealed')
        batch_op.add_column(sa.Column('user_ticket', sa.String(length=512), nullable=True))
