"""no-parroting: restate priorities briefly, in your own words; never echo the complaint back."""

from __future__ import annotations

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.text import words_with_offsets

RUN_WORDS = 8
"""A verbatim run of this many words copied from the complaint counts as parroting."""


_PERSPECTIVE = {
    **dict.fromkeys(("i", "me", "you", "we", "us"), "<person>"),
    **dict.fromkeys(("my", "your", "our"), "<their>"),
    **dict.fromkeys(("mine", "yours", "ours"), "<theirs>"),
    **dict.fromkeys(("myself", "yourself", "ourselves", "yourselves"), "<self>"),
    **dict.fromkeys(("i'm", "you're", "we're"), "<person-is>"),
    **dict.fromkeys(("i've", "you've", "we've"), "<person-has>"),
    **dict.fromkeys(("i'll", "you'll", "we'll"), "<person-will>"),
    **dict.fromkeys(("i'd", "you'd", "we'd"), "<person-would>"),
    **dict.fromkeys(("am", "are"), "<be>"),
}
"""Echoing the complaint with the point of view flipped ("I prepaid ... the counter told me" ->
"you prepaid ... the counter told you") is still the customer's words read back."""


def canonical_words(words: list[tuple[str, int, int]]) -> list[str]:
    return [_PERSPECTIVE.get(w, w) for w, _, _ in words]


def copied_runs(complaint: str, reply: str, min_words: int = RUN_WORDS) -> list[Span]:
    """Maximal runs of >= min_words consecutive reply words that also appear consecutively in the complaint
    (first and second person folded together, so a perspective flip still counts as a copy)."""
    source = canonical_words(words_with_offsets(complaint))
    grams = {tuple(source[i : i + min_words]) for i in range(len(source) - min_words + 1)}
    words = words_with_offsets(reply)
    canon = canonical_words(words)
    hit = [False] * len(words)
    for i in range(len(words) - min_words + 1):
        if tuple(canon[i : i + min_words]) in grams:
            for j in range(i, i + min_words):
                hit[j] = True
    spans: list[Span] = []
    i = 0
    while i < len(words):
        if not hit[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and hit[j + 1]:
            j += 1
        start, end = words[i][1], words[j][2]
        spans.append(Span(start=start, end=end, text=reply[start:end]))
        i = j + 1
    return spans


def check_no_parroting(ctx: CheckContext) -> Verdict:
    if not ctx.complaint:
        return Verdict(True, "No complaint given to compare against.")
    runs = copied_runs(ctx.complaint, ctx.reply)
    if runs:
        longest = max(len(s.text.split()) for s in runs)
        return Verdict(
            False,
            f"Echoes the customer's own words back ({longest} words verbatim); restate their priorities briefly in your own words.",
            tuple(runs),
        )
    return Verdict(True, "Restates without echoing the complaint.")
