"""Dead letters the broker refused for good, parked by the consumer policy (clinic_shared.messaging.parking).

Revision ID: 0002_dlq_parking
Revises: 0002_messaging
Create Date: 2026-12-01
"""

from alembic import op

from clinic_shared.migrations import create_dead_letter_parking_table

revision = "0002_dlq_parking"
down_revision = "0002_messaging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_dead_letter_parking_table()


def downgrade() -> None:
    op.drop_table("dead_letter_parked")
