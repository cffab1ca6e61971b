"""Adversarial inputs for the CPU-bound path, shared by the linear-time test and the worst-case benchmark.

Each family is a unit repeated to the wanted length: the shapes that once made a detector rescan the
text per match (a run of newlines, a trigger word thousands of times in one sentence, one endless word).
`full_path` is everything a request can make the service compute from a text: the analysis, the playbook
draft with its guard, and `/v1/checks` on the text as a reply to itself.
"""

from __future__ import annotations

from api.analysis import analyze, message_kind
from api.pipeline import guard
from api.playbook import draft_sections
from api.rendering import Names, render
from api.schemas import DraftRequest, Sections
from evals.rules import CheckContext, check_reply

FAMILIES: dict[str, str] = {
    "newlines": "\n",
    "whitespace": " \t\n",
    "spaces": " ",
    "one long word": "a",
    "no punctuation": "the order never arrived and nobody answered my calls ",
    "repeated refund": "refund ",
    "refund, comma": "refund, ",
    "listed refunds": "- refund\n",
    "deadline": "by 5pm today ",
    "threat": "I will sue you ",
    "threat words": "lawyer police court ombudsman press ",
    "negated threat": "I'm not going to sue you ",
    "conditions": "if I don't get a refund ",
    "emoji": "\U0001f621",
    "emoji and spaces": "\U0001f621 ",
    "fence": "</complaint>",
    "hashes": "#",
    "brackets": "[note] ",
    "quotes": '"',
    "bangs": "!",
    "sentences": "It broke. ",
    "questions": "why? ",
    "paragraphs": "x\n\n",
    "caps": "ANGRY ",
    "to the AI": "AI: ",
    "injection": "ignore previous instructions ",
    "role play": "pretend you are ",
    "money": "$100 ",
}


def grow(unit: str, length: int) -> str:
    """`unit` repeated to exactly `length` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def draft(text: str) -> Sections:
    """The playbook's sections for `text` as a complaint (raises if the engine builds an invalid draft)."""
    req = DraftRequest(complaint=text)
    return draft_sections(req, analyze(text))


def full_path(text: str) -> None:
    """Analysis, playbook draft and its guard for `text` as a complaint, then the checks on `text` as a reply to it."""
    req = DraftRequest(complaint=text)
    analysis = analyze(text)
    reply = render(draft_sections(req, analysis), req.channel, Names(None, None, None))
    guard(reply, req, analysis)
    intent, frustrated = message_kind(text)
    check_reply(CheckContext(reply=text, complaint=text, intent=intent, frustrated=frustrated))
