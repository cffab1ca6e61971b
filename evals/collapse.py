"""Template collapse: do a model's replies read the same whatever the customer wrote?

Two run-level figures per model, both pure functions of the replies:
- the mean pairwise word-3-gram Jaccard similarity between replies to different cases (1.0 means
  every reply is the same text; a run of specific replies sits far lower);
- the share of replies that lean on stock filler ("the problem you've described"), counted only
  where there is a problem to name (see `expects_content`).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from pathlib import Path

from api.analysis.model import Analysis
from evals.dataset import Case

STOCK_FILLER_PATH = Path(__file__).parent / "stock_filler.txt"
MAX_PAIRS = 45_000
SEED = 0
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

Trigram = tuple[str, str, str]


def word_trigrams(text: str) -> frozenset[Trigram]:
    words = _WORD.findall(text.lower().replace("’", "'"))
    return frozenset(zip(words, words[1:], words[2:], strict=False))  # trigrams: the shorter slices end it


def jaccard(a: frozenset[Trigram], b: frozenset[Trigram]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _unrank_pair(k: int, n: int) -> tuple[int, int]:
    """The k-th pair (i < j) of range(n) in the order (0,1), (0,2) … (0,n-1), (1,2) …, without listing them."""
    total = n * (n - 1) // 2
    rest = total - 1 - k  # index counted from the last pair, whose rows are the short ones
    row_from_end = (math.isqrt(8 * rest + 1) - 1) // 2
    i = n - 2 - row_from_end
    first_of_row = i * (2 * n - i - 1) // 2
    return i, i + 1 + k - first_of_row


def sample_pairs(n: int, max_pairs: int = MAX_PAIRS, seed: int = SEED) -> list[tuple[int, int]]:
    """Every pair of n items when there are at most max_pairs, else a fixed-seed sample of
    max_pairs distinct pairs, so the figure is reproducible and stays fast on big runs."""
    total = n * (n - 1) // 2
    if total <= max_pairs:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    return [_unrank_pair(k, n) for k in sorted(random.Random(seed).sample(range(total), max_pairs))]


def mean_pairwise_similarity(replies: Sequence[str], max_pairs: int = MAX_PAIRS, seed: int = SEED) -> float | None:
    """Mean word-3-gram Jaccard over pairs of replies; None with fewer than two replies of 3+ words
    (shorter ones have no 3-gram to compare and are left out)."""
    grams = [g for g in map(word_trigrams, replies) if g]
    pairs = sample_pairs(len(grams), max_pairs, seed)
    if not pairs:
        return None
    return sum(jaccard(grams[i], grams[j]) for i, j in pairs) / len(pairs)


def load_stock_filler(path: Path = STOCK_FILLER_PATH) -> tuple[str, ...]:
    """Filler phrases, one a line, lower-cased; blank lines and `#` comments skipped."""
    lines = (line.split("#", 1)[0].strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line)


def find_stock_filler(reply: str, phrases: Sequence[str]) -> list[str]:
    """The phrases the reply contains, as whole words and ignoring case, spacing and curly quotes."""
    text = " ".join(reply.lower().replace("’", "'").split())
    return [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


def stock_filler_rate(replies: Sequence[str], phrases: Sequence[str]) -> float | None:
    """Share of replies with at least one filler phrase; None when there are no replies."""
    if not replies:
        return None
    return sum(bool(find_stock_filler(r, phrases)) for r in replies) / len(replies)


def expects_content(case: Case, analysis: Analysis) -> bool:
    """Whether a reply to this case has a concrete problem to name, so filler there is a miss: the
    case lists expected problems or, for a case labelled with neither intent nor problems, the
    analysis reads the message as a complaint. A labelled case without problems (thanks, a
    question) has none."""
    if case.expect.problems:
        return True
    return case.expect.intent is None and analysis.intent == "complaint"
