"""helpdesk_jobs: messages from Chatwoot and Zammad waiting for their draft to be posted back

One row per helpdesk message or article ((source, external_id) unique: a replayed webhook finds its job),
with its state (queued, running, retrying, done, dead), attempts, last error and the draft it produced.

Revision ID: 0005_helpdesk_jobs
Revises: 0004_api_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_helpdesk_jobs"
down_revision = "0004_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpdesk_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("draft_id", sa.String(32), nullable=True),
        sa.Column("note_id", sa.String(64), nullable=True),
        sa.Column("worker", sa.String(100), nullable=True),
        sa.Column("posting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source", "external_id", name="uq_helpdesk_jobs_source_external_id"),
    )
    op.create_index("ix_helpdesk_jobs_state_updated_at", "helpdesk_jobs", ["state", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_helpdesk_jobs_state_updated_at", "helpdesk_jobs")
    op.drop_table("helpdesk_jobs")
