"""The note an agent sees in the helpdesk: the draft, the escalation flags and a link to the draft in the console."""

from __future__ import annotations

import html

from api.schemas import DraftPublic


def console_link(public_url: str, draft_id: str) -> str:
    return f"{public_url.rstrip('/')}/console/#draft/{draft_id}"


def flag_lines(draft: DraftPublic) -> list[str]:
    return [f"{f.kind}: {f.reason}" for f in draft.analysis.flags]


def note_text(draft: DraftPublic, public_url: str) -> str:
    """Plain text (Chatwoot renders it as Markdown)."""
    flags = flag_lines(draft)
    lines = ["calmreply draft (not sent to the customer):", "", draft.reply, ""]
    if flags:
        lines += ["Escalation flags, for a human to decide:", *[f"- {f}" for f in flags], ""]
    failed = [c.rule_id for c in draft.checks if not c.passed and c.severity == "error"]
    if failed:
        lines += [f"Rules this draft breaks: {', '.join(failed)}", ""]
    lines.append(f"Edit and check it in the console: {console_link(public_url, draft.id)}")
    return "\n".join(lines)


def note_html(draft: DraftPublic, public_url: str) -> str:
    """The same for Zammad, whose notes are HTML: every piece of text escaped."""
    link = console_link(public_url, draft.id)
    reply = "<br>".join(html.escape(line) for line in draft.reply.split("\n"))
    parts = ["<p><b>calmreply draft</b> (not sent to the customer):</p>", f"<blockquote>{reply}</blockquote>"]
    flags = flag_lines(draft)
    if flags:
        items = "".join(f"<li>{html.escape(f)}</li>" for f in flags)
        parts.append(f"<p>Escalation flags, for a human to decide:</p><ul>{items}</ul>")
    failed = [c.rule_id for c in draft.checks if not c.passed and c.severity == "error"]
    if failed:
        parts.append(f"<p>Rules this draft breaks: {html.escape(', '.join(failed))}</p>")
    parts.append(f'<p>Edit and check it in the console: <a href="{html.escape(link)}">{html.escape(link)}</a></p>')
    return "".join(parts)


def reply_html(draft: DraftPublic) -> str:
    """The reply alone, for a Zammad shared draft (the agent sends it as it is)."""
    return "<br>".join(html.escape(line) for line in draft.reply.split("\n"))
