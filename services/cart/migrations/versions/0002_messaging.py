"""Outbox relay leases, row states (parked) and the retention indexes of the outbox and inbox.

Revision ID: 0002_messaging
Revises: 0001
Create Date: 2026-12-01
"""

from clinic_shared.migrations import downgrade_messaging_0002, upgrade_messaging_0002

revision = "0002_messaging"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_messaging_0002()


def downgrade() -> None:
    downgrade_messaging_0002()
