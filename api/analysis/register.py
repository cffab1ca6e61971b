"""Register: does the customer write in technical terms (so the reply may too) or not."""

from __future__ import annotations

from typing import Literal

from api.analysis.text import rx

Register = Literal["technical", "non_technical"]

_ACRONYMS = rx(
    r"\b(?:DNS|API|SSL|TLS|HTTPS?|SMTP|IMAP|POP3|S?FTP|SSH|TCP|UDP|VPN|VPS|CDN|CNAME|MX|TTL|IPv[46]|OAuth|JSON|XML|"
    r"YAML|SQL|PHP|ONT|LOS|PPPoE|SIP|VoIP|BGP|SLA|CPU|RAM|DHCP|NAT|SSO|2FA|MFA|OTP)\b",
    r"\bA\s+records?\b",
    case=True,
)
_JARGON = rx(
    r"\b(?:Postgres(?:QL)?|MySQL|MongoDB|Redis|Kubernetes|Docker|nginx|cron\s*jobs?|WordPress|plugins?|latency|"
    r"packet\s+loss|ping|traceroute|uptime|stack\s+trace|traceback|segfault|null\s+pointer|config(?:uration)?|"
    r"env(?:ironment)?\s+variables?|logs|log\s+files?|(?:error|server|activity|access)\s+logs?|endpoint|webhook|"
    r"time-?out|SSL\s+certificate|validation\s+error|bandwidth|DNS\s+record|nameservers?|"
    r"authentication\s+error|status\s+page|uptime\s+monitor)\b",
    r"\b(?:HTTP\s+)?[45]\d\d\s+(?:error|status|bad\s+gateway|not\s+found|internal)\b",
    r"\berror\s+(?:code\s+)?(?=[\w-]*\d)[a-z0-9-]{3,}\b",
    r"\bv\d+(?:\.\d+)+\b",
    r"\bversion\s+\d+(?:\.\d+)*\b",
    r"\b0x[0-9a-f]{4,}\b",
)
"""Jargon, products, error codes and version strings."""
_EVERYDAY_TECH = rx(
    r"\b(?:server|database|router|modem|firmware|browser|cache|backup|domain|hosting|download|upload|"
    r"dashboard|control\s+panel|IP\s+address|app|portal)\b"
)
"""Words any customer might use; several together still suggest a technical writer."""

JARGON_WEIGHT = 2
THRESHOLD = 3


def classify_register(turns: list[str]) -> Register:
    """'technical' when the customer's turns carry enough distinct jargon (or many everyday tech words)."""
    jargon = {(m.group(0) or "").lower() for t in turns for p in (_ACRONYMS, _JARGON) for m in p.finditer(t)}
    everyday = {(m.group(0) or "").lower() for t in turns for m in _EVERYDAY_TECH.finditer(t)}
    return "technical" if JARGON_WEIGHT * len(jargon) + len(everyday) >= THRESHOLD else "non_technical"
