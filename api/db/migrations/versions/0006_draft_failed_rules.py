"""drafts.failed_rules: the ids of the rules a draft failed, as " rule-a rule-b ", so GET /v1/drafts can
filter by a failed rule in SQL on SQLite and PostgreSQL alike (the checks are JSON, which the two query
differently). Existing rows are filled from their checks.

Revision ID: 0006_draft_failed_rules
Revises: 0005_helpdesk_jobs
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006_draft_failed_rules"
down_revision = "0005_helpdesk_jobs"
branch_labels = None
depends_on = None

BATCH = 500


def failed_rules_text(checks: list[dict[str, object]]) -> str:
    ids = [str(c["rule_id"]) for c in checks if not c.get("passed")]
    return f" {' '.join(ids)} " if ids else ""


def upgrade() -> None:
    op.add_column("drafts", sa.Column("failed_rules", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    drafts = sa.table("drafts", sa.column("id", sa.String), sa.column("checks", sa.JSON), sa.column("failed_rules", sa.Text))
    last = ""
    while True:
        rows = conn.execute(sa.select(drafts.c.id, drafts.c.checks).where(drafts.c.id > last).order_by(drafts.c.id).limit(BATCH)).all()
        if not rows:
            break
        for draft_id, checks in rows:
            parsed = json.loads(checks) if isinstance(checks, str) else checks or []
            text = failed_rules_text(parsed)
            if text:
                conn.execute(drafts.update().where(drafts.c.id == draft_id).values(failed_rules=text))
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("failed_rules")
