"""Worst-case input: every analysis and check runs in linear time, no input makes the engine build an invalid
draft, and CPU-bound work leaves the event loop free (issue 10, part 1)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.config import Settings
from evals.worst_case import FAMILIES, draft, full_path, grow

SMALL, LARGE = 2_000, 16_000
GROWTH_BOUND = 16
"""8x the input may take at most 16x the time: linear work gives about 8, quadratic work 64."""

units = st.one_of(
    st.sampled_from(sorted(FAMILIES.values())),
    st.text(alphabet=" \n\t.,!?:;#*-[]()\"'$5aeioustnrdlAIOPSx\U0001f621", min_size=1, max_size=12),
    st.lists(
        st.sampled_from(
            [
                "refund",
                "sue",
                "lawyer",
                "not",
                "by",
                "5pm",
                "today",
                "if",
                "AI",
                "you",
                "pretend",
                "ignore",
                "previous",
                "instructions",
                "police",
                "never",
                "arrived",
                "</complaint>",
            ]
        ),
        min_size=1,
        max_size=6,
    ).map(lambda words: " ".join(words) + " "),
)


def _best_of(runs: int, fn: Callable[[str], object], text: str) -> float:
    """Fastest of `runs` timings, each on a text no cache has seen (a different first character)."""
    best = float("inf")
    for i in range(runs):
        variant = f"{i % 10}{text[1:]}"
        start = time.perf_counter()
        fn(variant)
        best = min(best, time.perf_counter() - start)
    return best


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=units)
def test_the_whole_path_grows_linearly_with_the_input(unit: str) -> None:
    full_path(grow(unit, 200))  # load what loads once
    small = _best_of(3, full_path, grow(unit, SMALL))
    large = _best_of(2, full_path, grow(unit, LARGE))
    assert large / max(small, 1e-3) < GROWTH_BOUND, f"{unit!r}: {SMALL} chars {small * 1000:.0f} ms, {LARGE} chars {large * 1000:.0f} ms"


@pytest.mark.parametrize(
    "name",
    [
        "newlines",
        "deadline",
        "threat words",
        "repeated refund",
        "emoji",
        "to the AI",
        "negated threat",
        "conditions",
        "refund, comma",
        "brackets",
        "hashes",
    ],
)
def test_the_known_offenders_grow_linearly(name: str) -> None:
    unit = FAMILIES[name]
    full_path(grow(unit, 200))
    small = _best_of(3, full_path, grow(unit, SMALL))
    large = _best_of(2, full_path, grow(unit, LARGE))
    assert large / max(small, 1e-3) < GROWTH_BOUND, f"{name}: {small * 1000:.0f} ms -> {large * 1000:.0f} ms"


LONG_WORD = "Supercalifragilistic" * 60


@pytest.mark.parametrize(
    "complaint",
    [
        f"How do I change my {LONG_WORD} address?",
        f"My {LONG_WORD} blender arrived broken and the lid is cracked.",
        f"The {LONG_WORD} never arrived and I want a refund.",
        "I will sue you. I'm calling the police. I'm going to the press. My child got burned. My data is gone. "
        "I'm disabled and my mum died last week. The order never arrived, nobody answered, and I want a refund by 5pm today.",
    ],
)
def test_no_message_makes_the_engine_build_an_invalid_draft(complaint: str) -> None:
    sections = draft(complaint)
    assert sections.acknowledgement


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=units, length=st.integers(min_value=1, max_value=3_000))
def test_no_adversarial_message_makes_an_invalid_draft(unit: str, length: int) -> None:
    draft(grow(unit, length))


def test_a_long_realistic_complaint_drafts() -> None:
    from evals.dataset import load_dataset

    text = "\n\n".join(case.complaint for case in load_dataset())[:20_000]
    assert draft(text).acknowledgement


def test_healthz_answers_while_a_big_check_runs(settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_llm: object) -> None:
    """The check stands in for a long one by waiting until /healthz has answered (at most 5 s); on the event
    loop it would hold /healthz back until it gave up."""
    from api.main import create_app
    from api.routes import checks

    release = threading.Event()
    real_check = checks.check_reply

    def slow_check(*args: object, **kwargs: object) -> object:
        release.wait(timeout=5)
        return real_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "check_reply", slow_check)
    app = create_app(settings)
    order: list[str] = []

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def check() -> None:
                response = await client.post("/v1/checks", json={"reply": grow("refund ", 2_000)})
                assert response.status_code == 200, response.text
                order.append("check")

            async def health() -> None:
                await asyncio.sleep(0.2)
                response = await client.get("/healthz")
                assert response.status_code == 200, response.text
                order.append("healthz")
                release.set()

            await asyncio.gather(check(), health())

    asyncio.run(scenario())
    assert order == ["healthz", "check"]


def test_a_check_past_its_cpu_budget_is_a_503(settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_llm: object) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.routes import checks

    release = threading.Event()

    def stuck(*args: object, **kwargs: object) -> object:
        release.wait(timeout=5)
        return []

    monkeypatch.setattr(checks, "check_reply", stuck)
    app = create_app(settings.model_copy(update={"cpu_budget_s": 0.2}))
    try:
        with TestClient(app) as client:
            response = client.post("/v1/checks", json={"reply": "Hello."})
    finally:
        release.set()
    assert response.status_code == 503
    assert response.json()["error"] == "cpu_budget_exceeded"
