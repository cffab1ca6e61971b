"""Concrete identifiers a grievance can be about: order/booking/claim numbers, flights, domains, products."""

from __future__ import annotations

import re

from api.analysis.text import rx

_ID = r"#?[a-z]{0,5}-?\d[\w-]{2,}"
_REFERENCE = rx(
    rf"\b(?P<kind>order|booking|claim|ticket|invoice|account|policy|case|member|membership|contract|reservation|"
    rf"confirmation)\s*(?:no\.?|number|ref(?:erence)?|ending(?:\s+in)?|id)?\s*[:(]?\s*(?P<id>{_ID})"
)
_ORDER_HASH = re.compile(r"(?<![\w#])#(?P<id>\d{3,}[\w-]*)")
_FLIGHT = rx(r"\b[Ff]light\s+(?P<id>(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])\s?\d{1,4})\b", case=True)
_FLIGHT_CODE = rx(r"\b(?P<id>[A-Z]{2}\d{2,4})\b", case=True)
"""A bare code like 'BA117' counts as a flight only when the text talks about flights."""
_FLIGHTS = rx(r"\bflights?\b")
_DOMAIN = rx(r"\b(?P<id>[a-z0-9][a-z0-9-]*\.(?:com|net|org|io|co\.uk|com\.ng|ng|co|shop|store|dev|app))\b")
_PRODUCT_NOUN = (
    r"(?:router|modem|laptop|computer|heater|blender|boots|trainers|shoes|jacket|TV|phone|SIM|fridge|refrigerator|"
    r"washing\s+machine|washer|dryer|dishwasher|wardrobe|desk|battery|scooter|boiler|kettle|invitations|vase|"
    r"napkins|bike|truck|car|oven|microwave|mattress|sofa|headphones|tablet|printer|camera|watch|AC|air\s+conditioner)"
)
_PRODUCT = rx(
    rf"\b(?:the|my|our|your|a|an|new|this|that|his|her|their)\s+(?P<name>(?:[\w-]+\s+){{0,2}}?)"
    rf"(?P<noun>{_PRODUCT_NOUN})\b"
)
"""A determiner first, so that 'to phone the family' is not a product."""


def references(text: str) -> dict[str, str]:
    """Identifiers by kind ('order', 'booking', 'flight', 'domain', ...), first occurrence wins."""
    found: dict[str, str] = {}
    for ref in _REFERENCE.finditer(text):
        kind = (ref.group("kind") or "").lower()  # the group always takes part
        found.setdefault(kind, f"{kind} {ref.group('id')}")
    if "order" not in found and re.search(r"\border\b", text, re.IGNORECASE):
        order = _ORDER_HASH.search(text)
        if order:
            found["order"] = f"order #{order.group('id')}"
    flight = _FLIGHT.search(text) or (_FLIGHT_CODE.search(text) if _FLIGHTS.search(text) else None)
    if flight:
        found["flight"] = f"flight {(flight.group('id') or '').replace(' ', '')}"
    domain = _DOMAIN.search(text)
    if domain:
        found["domain"] = domain.group("id") or ""
    return found


def product(text: str) -> str | None:
    """The first product mentioned, with its brand/model words when given ('the Vortex 900 blender' -> 'Vortex 900
    blender'); descriptive words ('standing', 'little') are dropped."""
    m = _PRODUCT.search(text)
    if not m:
        return None
    words = [w for w in (m.group("name") or "").split() if w[0].isupper() or w.isdigit()]
    noun = re.sub(r"\s+", " ", m.group("noun") or "")
    noun = noun if noun.isupper() else noun.lower()
    return " ".join([*words, noun])
