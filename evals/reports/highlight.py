"""Turn a reply plus failing-rule spans into escaped HTML with <mark> highlights."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from evals.rules import RuleResult


@dataclass
class Highlight:
    start: int
    end: int
    labels: list[str] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    severity: str = "warning"


def _locate(reply: str, start: int, end: int, text: str) -> tuple[int, int] | None:
    """Trust the offsets when they match the span text; otherwise find the text; else clamp the offsets."""
    if 0 <= start < end <= len(reply) and (not text or reply[start:end] == text):
        return start, end
    if text:
        found = reply.find(text)
        if found >= 0:
            return found, found + len(text)
    start, end = max(0, min(start, len(reply))), max(0, min(end, len(reply)))
    return (start, end) if start < end else None


def collect_highlights(reply: str, rules: list[RuleResult]) -> list[Highlight]:
    """Spans of the given rules, sorted, with overlapping ones merged into one highlight."""
    raw: list[Highlight] = []
    for rule in rules:
        label = f"{rule.rule_id}: {rule.message}"
        for span in rule.spans:
            where = _locate(reply, span.start, span.end, span.text)
            if where:
                raw.append(Highlight(where[0], where[1], [label], [rule.rule_id], rule.severity))
    raw.sort(key=lambda h: (h.start, -h.end))
    merged: list[Highlight] = []
    for h in raw:
        last = merged[-1] if merged else None
        if last is not None and h.start < last.end:
            last.end = max(last.end, h.end)
            last.labels += [x for x in h.labels if x not in last.labels]
            last.rule_ids += [x for x in h.rule_ids if x not in last.rule_ids]
            if h.severity == "error":
                last.severity = "error"
        else:
            merged.append(Highlight(h.start, h.end, list(h.labels), list(h.rule_ids), h.severity))
    return merged


def highlight_html(reply: str, rules: list[RuleResult]) -> str:
    """The reply, HTML-escaped, with each (merged) failing span wrapped in <mark title="rule-id: message">."""
    out: list[str] = []
    pos = 0
    for h in collect_highlights(reply, rules):
        out.append(escape(reply[pos : h.start]))
        title = escape("\n".join(h.labels), quote=True)
        rules_attr = escape(" ".join(h.rule_ids), quote=True)
        out.append(f'<mark class="{h.severity}" title="{title}" data-rules="{rules_attr}">{escape(reply[h.start : h.end])}</mark>')
        pos = h.end
    out.append(escape(reply[pos:]))
    return "".join(out)
