"""feedback: the agent's final text, outcome, rating and edit distance per draft

Revision ID: 0002_feedback
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_feedback"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("edit_distance", sa.Integer(), nullable=True),
        sa.Column("final_checks", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_draft_id", "feedback", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_draft_id", "feedback")
    op.drop_table("feedback")
