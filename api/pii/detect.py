"""Finds personal data in free text: emails, phone numbers, card numbers (Luhn), IBANs (mod-97),
postcodes, street addresses and order or account numbers.

Patterns, not a library: Presidio, the maintained option, downloads at run time (spaCy's
en_core_web_lg when its default engine starts, and tldextract's public-suffix list on the first
email it validates), and it has no recogniser for postcodes, street addresses or order numbers.

Every pattern starts behind a lookbehind that stops it starting inside a run of the characters it
consumes, and every repetition is bounded or delimited, so a scan is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Kind = Literal["EMAIL", "IBAN", "CARD", "ORDER", "ACCOUNT", "ADDRESS", "POSTCODE", "PHONE"]
# Where two finds overlap, the earlier kind in this order wins (a card number inside "account 4111 ..." is a card).
PRIORITY: tuple[Kind, ...] = ("EMAIL", "IBAN", "CARD", "ORDER", "ACCOUNT", "ADDRESS", "POSTCODE", "PHONE")
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Found:
    kind: Kind
    start: int
    end: int
    text: str


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10-35, and the number mod 97 is 1."""
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])")
# A run of 7-23 digits with single separators, maybe after a + or inside a bracketed area code.
_NUMBER = re.compile(r"(?<![\w+.-])\+?\(?\d(?:[ .()-]{0,2}\d){6,22}(?![\w])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![a-z0-9])")
_UK_POSTCODE = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"
_LABELLED_POSTCODE = r"(?i:\b(?:zip(?: ?code)?|post ?code|postal code)\b:? ?)(?P<labelled>[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){2,9})"
# A code of capitals, a hyphen and digits needs no keyword before it: "WD-5530912", "voucher SDB-77821".
_CODE = re.compile(r"(?<![\w-])[A-Z]{1,4}-\d{4,12}(?![\w-])")
_HASH_REFERENCE = re.compile(r"(?<![\w&#])#(?P<token>[A-Za-z0-9](?:-?[A-Za-z0-9]){3,24})(?![\w])")


@cache
def _postcode() -> re.Pattern[str]:
    states = "|".join(" ".join(_lines("us_states.txt")).split())
    us_zip = rf"(?<=\b(?:{states}) )\d{{5}}(?:-\d{{4}})?"
    return re.compile(rf"(?<![A-Za-z0-9])(?:{_UK_POSTCODE}|{_CA_POSTCODE}|{us_zip}|{_LABELLED_POSTCODE})(?![A-Za-z0-9])")


@cache
def _address() -> re.Pattern[str]:
    types = "|".join(re.escape(t) for t in _lines("street_types.txt"))
    unit = r"(?:(?:Flat|Apt\.?|Apartment|Unit|Suite) [A-Za-z0-9]{1,5},? )?"
    name_word = r"(?:[A-Z][\w'-]{0,30}|\d{1,3}(?:st|nd|rd|th))"
    english = rf"{unit}\d{{1,5}}[A-Za-z]?,? (?:{name_word} ){{1,4}}(?i:{types})\b\.?"
    german = r"[A-ZÄÖÜ][a-zäöüß]{1,30}(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm) \d{1,4}[a-z]?\b"
    french = r"\d{1,4},? (?i:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai) (?:[a-zé']{1,12} ){0,3}[A-Z][\w'-]{0,30}"
    labelled = r"(?i:\baddress\b)(?: is)?: ?(?P<addr>[^\n,;.!?]{3,60}(?:, ?[^\n,;.!?]{2,40}){0,3})"
    return re.compile(rf"(?<![\w])(?:{english}|{german}|{french})|{labelled}")


@cache
def _reference() -> tuple[re.Pattern[str], dict[str, Kind]]:
    kinds: dict[str, Kind] = {}
    for line in _lines("reference_words.txt"):
        kind, word = line.split("\t")
        kinds[word.lower()] = "ACCOUNT" if kind == "ACCOUNT" else "ORDER"
    words = "|".join(sorted(kinds, key=len, reverse=True))
    pattern = re.compile(
        rf"(?i:\b(?P<word>{words})s?\b(?: (?:number|no\.?|num|nr|id|code|ref))?\.?(?: ?[:#] ?| is | was | )\(?#?)"
        r"(?P<token>[A-Za-z0-9](?:[/-]?[A-Za-z0-9]){3,29})(?![\w])"
    )
    return pattern, kinds


def _digit_kind(text: str) -> Kind | None:
    digits = re.sub(r"\D", "", text)
    if 13 <= len(digits) <= 19 and not re.search(r"[().]", text) and luhn_valid(digits):
        return "CARD"
    if (text.startswith("+") and 8 <= len(digits) <= 15) or 10 <= len(digits) <= 13:
        return "PHONE"
    return None


def _ibans(text: str) -> list[Found]:
    """The longest prefix of each IBAN-shaped run that passes the checksum (a run may swallow a following word)."""
    found = []
    for m in _IBAN.finditer(text):
        positions = [m.start() + i for i, c in enumerate(m.group(0)) if c != " "]
        compact = m.group(0).replace(" ", "")
        for length in range(len(compact), 14, -1):
            if iban_valid(compact[:length]):
                end = positions[length - 1] + 1
                found.append(Found("IBAN", m.start(), end, text[m.start() : end]))
                break
    return found


def _has_digits(token: str, least: int = 2) -> bool:
    return sum(c.isdigit() for c in token) >= least


def _candidates(text: str) -> list[Found]:
    found = [Found("EMAIL", m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]
    found += _ibans(text)
    for m in _NUMBER.finditer(text):
        kind = _digit_kind(m.group(0))
        if kind is not None:
            found.append(Found(kind, m.start(), m.end(), m.group(0)))
    pattern, kinds = _reference()
    for m in pattern.finditer(text):
        if _has_digits(m.group("token")):
            found.append(Found(kinds[m.group("word").lower()], m.start("token"), m.end("token"), m.group("token")))
    named = {f.start for f in found if f.kind in ("ORDER", "ACCOUNT")}  # a keyword before a code says which it is
    found += [Found("ORDER", m.start(), m.end(), m.group(0)) for m in _CODE.finditer(text) if m.start() not in named]
    for m in _HASH_REFERENCE.finditer(text):
        if _has_digits(m.group("token"), 4) and m.start("token") not in named:
            found.append(Found("ORDER", m.start("token"), m.end("token"), m.group("token")))
    for m in _address().finditer(text):
        group = "addr" if m.group("addr") is not None else 0
        found.append(Found("ADDRESS", m.start(group), m.end(group), m.group(group).rstrip(" .")))
    for m in _postcode().finditer(text):
        group = "labelled" if m.group("labelled") is not None else 0
        if group == 0 or _has_digits(m.group(group), 1):
            found.append(Found("POSTCODE", m.start(group), m.end(group), m.group(group)))
    return found


def find_pii(text: str) -> list[Found]:
    """Non-overlapping finds in text order; on overlap the higher-priority kind, then the longer find, wins."""
    rank = {k: i for i, k in enumerate(PRIORITY)}
    chosen: list[Found] = []
    taken = bytearray(len(text))  # a mark per character, so checking a find costs its own length
    for f in sorted(_candidates(text), key=lambda f: (rank[f.kind], f.start - f.end, f.start)):
        end = f.start + len(f.text)
        if not any(taken[f.start : end]):
            chosen.append(Found(f.kind, f.start, end, f.text))
            taken[f.start : end] = b"\x01" * (end - f.start)
    return sorted(chosen, key=lambda f: f.start)
