"""draft list: indexes in the list's order (created_at, id), alone and after the source and model filters

Replaces ix_drafts_created_at and ix_drafts_source, which are prefixes of the new ones. With them a page of
GET /v1/drafts is read from an index in order (no temporary B-tree) and a keyset cursor seeks straight to its row.

Revision ID: 0003_draft_list_index
Revises: 0002_feedback
"""

from alembic import op

revision = "0003_draft_list_index"
down_revision = "0002_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_drafts_created_at_id", "drafts", ["created_at", "id"])
    op.create_index("ix_drafts_source_created_at_id", "drafts", ["source", "created_at", "id"])
    op.create_index("ix_drafts_model_created_at_id", "drafts", ["model", "created_at", "id"])
    op.drop_index("ix_drafts_created_at", "drafts")
    op.drop_index("ix_drafts_source", "drafts")


def downgrade() -> None:
    op.create_index("ix_drafts_source", "drafts", ["source"])
    op.create_index("ix_drafts_created_at", "drafts", ["created_at"])
    op.drop_index("ix_drafts_model_created_at_id", "drafts")
    op.drop_index("ix_drafts_source_created_at_id", "drafts")
    op.drop_index("ix_drafts_created_at_id", "drafts")
