"""Turns reply sections into the text an agent sends, per channel. Used by both the LLM path
and the playbook engine, so every draft has the same shape."""

from __future__ import annotations

from dataclasses import dataclass

from api.schemas import Sections
from evals.rules import Channel


@dataclass(frozen=True)
class Names:
    customer: str | None
    agent: str | None
    company: str | None


def render(sections: Sections, channel: Channel, names: Names) -> str:
    if channel is Channel.chat:
        return _chat(sections, names)
    if channel is Channel.phone:
        return _phone(sections, names)
    return _email(sections, names)


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _email(s: Sections, n: Names) -> str:
    greeting = f"Hi {n.customer}," if n.customer else "Hello,"
    steps = "\n".join(f"- {step}" for step in s.next_steps)
    signature = "\n".join(x for x in (n.agent, n.company) if x) or "Customer Support"
    blocks = [
        greeting,
        _join(s.acknowledgement, s.apology, s.restatement),
        s.solution,
        f"What happens next:\n{steps}" if steps else "",
        _join(s.follow_up, s.closing),
        f"Kind regards,\n{signature}",
    ]
    return "\n\n".join(b for b in blocks if b.strip())


def _chat(s: Sections, n: Names) -> str:
    opener = f"Hi {n.customer}. " if n.customer else ""
    turns = [
        opener + _join(s.acknowledgement, s.apology),
        s.restatement,
        s.solution,
        _join(*s.next_steps),
        _join(s.follow_up, s.closing),
    ]
    return "\n\n".join(t for t in turns if t.strip())


def _phone(s: Sections, n: Names) -> str:
    agent = n.agent or "the agent"
    company = f" at {n.company}" if n.company else ""
    steps = " ".join(s.next_steps)
    lines = [
        "[Let them finish. Don't interrupt; note the two or three things that matter most to them.]",
        f'Say: "{_join(s.acknowledgement, s.apology)}"',
        "[Pause. If the anger comes back in another wave, listen, then acknowledge it again before going on.]",
        f'Say: "{s.restatement}"' if s.restatement else "",
        f'Say: "{s.solution}"' if s.solution else "",
        f'Say: "{steps}"' if steps else "",
        f'Say: "{_join(s.follow_up, s.closing)}"' if _join(s.follow_up, s.closing) else "",
        f"[Steady, normal volume and an unhurried pace. Give your name ({agent}{company}) and a direct number before you hang up.]",
    ]
    return "\n".join(line for line in lines if line)
