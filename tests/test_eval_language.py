"""The eval suite measures reading and specificity: a reply names the customer's actual problem
(paraphrase counts, a template does not), the analysis reads the intent, and a run whose replies
collapse into one template shows it and can be gated on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from rich.console import Console

from api.analysis.model import Analysis, Intent
from evals.cli import LanguageGates, _gate
from evals.collapse import (
    expects_content,
    find_stock_filler,
    load_stock_filler,
    mean_pairwise_similarity,
    sample_pairs,
    stock_filler_rate,
)
from evals.dataset import DATASET_DIR, Case, Expectations, ExpectedProblem
from evals.reports import print_summary, to_html
from evals.results import EvalLog, Score
from evals.rules import Channel
from evals.runner import summarize
from evals.scorers import default_scorers, intent_scorer, specificity_scorer
from evals.specificity import match_problem, tokenize
from tests.test_reports import make_log, sample

COT = [["crib", "cot"], ["slat"], ["arm", "trapped"]]
COT_REPLY = "I'm sorry the cot slat came loose and trapped her arm"
GENERIC_REPLY = "I'm sorry for the problem you've described"
PHRASES = load_stock_filler()


def analysis(intent: Intent = "complaint", confidence: float = 0.9) -> Analysis:
    return Analysis(
        intent=intent,
        intent_confidence=confidence,
        emotions=[],
        intensity="moderate",
        intensity_score=0.5,
        grievances=[],
        asks=[],
        fault="unclear",
        fault_reason="",
        customer_register="non_technical",
        flags=[],
    )


def case(**expect: object) -> Case:
    return Case(
        id="c1",
        industry="retail",
        channel=Channel.email,
        intensity="moderate",
        company_at_fault=True,
        complaint="The cot slat snapped and trapped my daughter's arm.",
        expect=Expectations.model_validate(expect),
    )


# ---------------------------------------------------------------- specificity matching


def test_a_paraphrase_names_the_problem_and_spans_point_at_the_words() -> None:
    match = match_problem(COT_REPLY, COT, "the cot slat that trapped your daughter's arm")
    assert match.passed and match.hits == 3 and match.needed == 2
    spans = [s for g in match.groups for s in g.spans]
    assert [text for _, _, text in spans] == ["cot", "slat", "trapped", "arm"]
    assert all(COT_REPLY[start:end] == text for start, end, text in spans)


def test_a_generic_reply_does_not_name_the_problem() -> None:
    match = match_problem(GENERIC_REPLY, COT)
    assert match.passed is False and match.hits == 0
    assert not any(g.spans for g in match.groups)


def test_one_group_is_not_enough_when_there_are_several() -> None:
    assert match_problem("I'm sorry about the cot.", COT).passed is False
    assert match_problem("I'm sorry about the cot.", [["crib", "cot"]]).passed is True, "a one-group problem needs one"


@pytest.mark.parametrize(
    ("reply_word", "term"),
    [
        ("charged", "charge"),
        ("delayed", "delay"),
        ("trapped", "trap"),
        ("deliveries", "delivery"),
        ("Charges", "charging"),
        ("families", "family"),
        ("replies", "reply"),
        ("refunded", "refund"),
        ("Company's", "company"),
        ("£4,000", "4000"),
    ],
)
def test_light_stemming_matches_word_forms(reply_word: str, term: str) -> None:
    assert match_problem(f"About the {reply_word} today.", [[term]]).passed


@pytest.mark.parametrize(("reply_word", "term"), [("cat", "cot"), ("prime", "price"), ("1149", "1150"), ("custard", "custom")])
def test_different_words_do_not_match(reply_word: str, term: str) -> None:
    assert not match_problem(f"About the {reply_word} today.", [[term]]).passed


def test_multi_word_and_hyphenated_terms() -> None:
    match = match_problem("The add on and the late fee.", [["add-on"], ["late fee"]])
    assert match.passed and [g.spans[0][2] for g in match.groups] == ["add on", "late fee"]


def test_offsets_survive_text_whose_lower_case_changes_length() -> None:
    reply = "İİİ the cot broke"
    ((start, end, text),) = match_problem(reply, [["cot"]]).groups[0].spans
    assert reply[start:end] == text == "cot"
    assert [t.word for t in tokenize("You’ve been CHARGED twice")] == ["you've", "been", "charged", "twice"]


# ---------------------------------------------------------------- scorers


def test_specificity_scorer_reports_spans_and_every_problem() -> None:
    problems = [
        ExpectedProblem(summary="the cot slat that trapped her arm", terms=COT),
        ExpectedProblem(summary="the refund you were refused", terms=[["refund"], ["refused", "declined"]]),
    ]
    score = specificity_scorer().fn(case(problems=problems), analysis(), COT_REPLY, [])
    assert score.name == "specificity" and score.passed is True
    spans = cast(list[dict[str, Any]], score.metadata["spans"])
    assert [s["text"] for s in spans] == ["cot", "slat", "trapped", "arm"]
    assert all(COT_REPLY[s["start"] : s["end"]] == s["text"] for s in spans)
    first, second = cast(list[dict[str, Any]], score.metadata["problems"])
    assert first["passed"] is True and first["missed"] == [] and first["matched"][0] == {"terms": ["crib", "cot"], "words": ["cot"]}
    assert second["passed"] is False and second["missed"] == [["refund"], ["refused", "declined"]]

    generic = specificity_scorer().fn(case(problems=problems), analysis(), GENERIC_REPLY, [])
    assert generic.passed is False and generic.metadata["spans"] == []
    assert "0 of 3 concept groups, needs 2" in generic.explanation and "crib/cot" in generic.explanation


def test_specificity_does_not_apply_without_expected_problems() -> None:
    assert specificity_scorer().fn(case(), analysis(), GENERIC_REPLY, []).passed is None


def test_intent_scorer() -> None:
    right = intent_scorer().fn(case(intent="question"), analysis("question", 0.7), "", [])
    assert right.passed is True and right.metadata == {"expected": "question", "found": "question", "confidence": 0.7}
    wrong = intent_scorer().fn(case(intent="thanks"), analysis("complaint", 0.6), "", [])
    assert wrong.passed is False and "expected thanks" in wrong.explanation
    assert intent_scorer().fn(case(), analysis(), "", []).passed is None


def test_new_scorers_are_registered() -> None:
    names = [s.name for s in default_scorers()]
    assert "specificity" in names and "intent" in names


# ---------------------------------------------------------------- template collapse


def test_identical_replies_collapse_and_different_ones_do_not() -> None:
    same = ["We are sorry for the problem you've described and will look into it today."] * 5
    assert mean_pairwise_similarity(same) == pytest.approx(1.0)
    different = [
        COT_REPLY,
        "Your card was charged twice for the March invoice, so the second charge is being reversed.",
        "The engineer missed Tuesday's appointment; a new visit is booked for Friday morning.",
        "Your suitcase with the medication is at Lisbon airport and a courier brings it tonight.",
    ]
    low = mean_pairwise_similarity(different)
    assert low is not None and low < 0.05


def test_similarity_needs_two_comparable_replies() -> None:
    assert mean_pairwise_similarity(["Thanks!", "Sure.", "One long enough reply here."]) is None
    assert mean_pairwise_similarity([]) is None


def test_pairs_are_all_pairs_when_few_and_a_fixed_sample_when_many() -> None:
    assert sample_pairs(4) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    many = sample_pairs(400, max_pairs=1000)
    assert many == sample_pairs(400, max_pairs=1000), "deterministic"
    assert len(set(many)) == 1000 and all(0 <= i < j < 400 for i, j in many)
    assert len(sample_pairs(300)) == 300 * 299 // 2


def test_stock_filler_is_detected() -> None:
    assert "the problem you've described" in PHRASES and "the situation" in PHRASES
    assert not any(p.startswith("#") for p in PHRASES)
    assert find_stock_filler("I'm so sorry for The Problem You’ve  Described.", PHRASES) == ["the problem you've described"]
    assert find_stock_filler(COT_REPLY, PHRASES) == []
    assert find_stock_filler("This matters to us.", PHRASES) == [], "whole phrases only"
    assert stock_filler_rate([GENERIC_REPLY, COT_REPLY], PHRASES) == 0.5
    assert stock_filler_rate([], PHRASES) is None


def test_filler_counts_only_where_there_is_a_problem_to_name() -> None:
    problems = [ExpectedProblem(summary="s", terms=COT)]
    assert expects_content(case(intent="complaint", problems=problems), analysis("thanks"))
    assert expects_content(case(), analysis("complaint")), "unlabelled: the analysis decides"
    assert not expects_content(case(), analysis("question"))
    assert not expects_content(case(intent="thanks"), analysis("complaint")), "labelled without problems: nothing to name"


def _scores(specific: bool | None) -> list[Score]:
    return [Score(name="specificity", passed=specific), Score(name="intent", passed=True)]


def test_summary_carries_the_language_figures() -> None:
    samples = [
        sample("c1", "m", GENERIC_REPLY + " today and tomorrow", scores=_scores(False), has_content=True),
        sample("c2", "m", GENERIC_REPLY + " today and tomorrow", scores=_scores(True), has_content=True),
        sample("c3", "m", "Glad it worked out, thanks for letting us know. " + GENERIC_REPLY, scores=_scores(None), has_content=False),
        sample("c4", "m", COT_REPLY, scores=_scores(True), has_content=True),
    ]
    summary = summarize("m", samples)
    assert summary.specificity_rate == pytest.approx(2 / 3) and summary.intent_accuracy == 1.0
    assert summary.stock_filler_rate == pytest.approx(2 / 3), "c3 has no problem to name, so its filler is not counted"
    assert summary.similarity_mean is not None and 0 < summary.similarity_mean < 1


# ---------------------------------------------------------------- reports and gates


def _language_log(similarity: float | None, specificity: float | None, intent: float | None) -> EvalLog:
    log = make_log([sample("c1", "m")], ["m"])
    log.summaries[0] = log.summaries[0].model_copy(
        update={
            "similarity_mean": similarity,
            "specificity_rate": specificity,
            "intent_accuracy": intent,
            "stock_filler_rate": 0.25,
        }
    )
    return log


def test_gates_fail_on_collapse_specificity_and_intent() -> None:
    log = _language_log(similarity=0.62, specificity=0.4, intent=0.7)
    gates = LanguageGates(max_similarity=0.5, min_specificity=0.6, min_intent=0.8)
    reasons = _gate(log, None, {}, gates)
    assert len(reasons) == 3
    assert "m: mean pairwise similarity 0.620 > 0.500" in reasons and "m: specificity 0.400 < 0.600" in reasons
    assert "m: intent accuracy 0.700 < 0.800" in reasons
    assert _gate(log, None, {}, LanguageGates(max_similarity=0.7, min_specificity=0.4, min_intent=0.7)) == []
    assert _gate(log, None, {}) == [], "no gate asked for"


def test_a_gate_that_cannot_be_measured_fails() -> None:
    reasons = _gate(_language_log(None, None, None), None, {}, LanguageGates(min_specificity=0.5))
    assert reasons == ["m: specificity not measured (no applicable cases), limit 0.500"]


def test_reports_show_the_language_figures() -> None:
    log = _language_log(similarity=0.123, specificity=0.4, intent=0.9)
    html = to_html(log)
    assert 'id="language"' in html and "Template collapse" in html and "Specificity / intent" in html
    assert ">0.123<" in html and ">40.0%<" in html and ">90.0%<" in html and ">25.0%<" in html
    console = Console(record=True, width=220, color_system=None)
    print_summary(log, console)
    out = console.export_text()
    assert "template collapse" in out and "0.123" in out and "40.0%" in out
    assert 'id="language"' not in to_html(make_log([sample("c1", "m")], ["m"])), "older logs have no such section"


def test_cli_gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    dataset = DATASET_DIR / "messages_tune_c1.jsonl"
    args = [
        "eval",
        "run",
        "--model",
        "playbook",
        "--dataset",
        str(dataset),
        "--limit",
        "12",
        "--out",
        str(tmp_path),
        "--quiet",
        "--no-cache",
    ]
    assert main([*args, "--max-similarity", "1.0", "--min-intent", "0.0", "--min-specificity", "0.0"]) == 0
    assert main([*args, "--resume", "--min-specificity", "1.01", "--max-similarity", "0.0"]) == 1
    err = capsys.readouterr().err
    assert "gate failed: playbook: specificity" in err and "gate failed: playbook: mean pairwise similarity" in err
