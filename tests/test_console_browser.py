"""The agent console in a real browser: Debian's Chromium driven by Playwright, against a live server.

Nothing here downloads a browser: the system Chromium is launched by path (CALMREPLY_CHROMIUM, else
/usr/lib/chromium/chromium, else `chromium` on PATH), and the tests skip, saying why, when there is none.
Every request the page makes must stay on the test server: the console uses no CDN.
Screenshots at 1280 and 390 px go to CALMREPLY_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (dev extra)")

from tests.fake_openai import FakeOpenAI  # noqa: E402
from tests.fakes import GOOD_SECTIONS, as_json  # noqa: E402
from tests.live_server import CalmreplyServer  # noqa: E402

SEED = (
    "ALL my websites hosted with you are DOWN since this morning!!! My customers cannot reach my shop and I am losing money. "
    "If my website is not back up within 24 hours I will report you to the police."
)
HEDGE = " I'm sorry if you feel we let you down."


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("CALMREPLY_CHROMIUM"),
        "/usr/lib/chromium/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = _chromium()
# A fresh server's first draft loads the language models; on a busy CI machine that takes a while.
playwright_sync.expect.set_options(timeout=30_000)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install -y chromium); browsers are never downloaded")


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    """The server's `openai/...` models talk to this fake on 127.0.0.1, which streams GOOD_SECTIONS."""
    with FakeOpenAI(as_json(GOOD_SECTIONS)) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(fake_openai: FakeOpenAI) -> Iterator[str]:
    env = {
        "CALMREPLY_MODEL": "playbook",
        "OPENAI_API_BASE": fake_openai.base_url,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "not-a-real-key",
    }
    with CalmreplyServer(env) as live:
        yield live.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside: list[str] = []

    def stay_local(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", stay_local)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/console")
    yield page
    context.close()
    assert not outside, f"the console reached outside the server: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("CALMREPLY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _draft(page, model: str = "playbook") -> str:  # type: ignore[no-untyped-def]
    page.get_by_label("Customer's message").fill(SEED)
    page.locator("#f-model").fill(model)
    page.get_by_label("Customer's name").fill("Emeka")
    page.get_by_label("Company at fault?").select_option("true")
    page.get_by_role("button", name="Draft reply").click()
    editor = page.get_by_role("textbox", name="Reply")
    playwright_sync.expect(editor).to_contain_text("Hi Emeka,")
    playwright_sync.expect(page.locator("#editor[data-lint=done]")).to_be_visible()
    return page.locator("#editor").get_attribute("data-draft-id")


def _type_hedge(page) -> None:  # type: ignore[no-untyped-def]
    editor = page.locator("#editor")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(HEDGE, delay=15)


def _hedge_mark(page):  # type: ignore[no-untyped-def]
    return page.locator('mark.finding[data-rules~="unconditional-apology"]', has_text="sorry if you feel")


def test_draft_a_complaint_and_see_the_reply_and_its_flags(page) -> None:  # type: ignore[no-untyped-def]
    _draft(page)
    flag = page.locator('.flag.escalate[data-flag="authority_threat"]')
    playwright_sync.expect(flag).to_be_visible()
    playwright_sync.expect(flag).to_contain_text("Escalate")
    playwright_sync.expect(page.locator("#source-badge")).to_contain_text("playbook")
    playwright_sync.expect(page.locator("#a-emotions")).to_contain_text("anger")
    playwright_sync.expect(page.locator('#rules-list li[data-rule="emotion-first"][data-state="pass"]')).to_be_visible()
    _shot(page, "draft-1280")


def test_an_llm_draft_streams_into_the_editor(page, fake_openai: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Customer's message").fill(SEED)
    page.get_by_label("Customer's name").fill("Emeka")
    page.locator("#f-model").fill("openai/fake-model")
    page.get_by_role("button", name="Draft reply").click()
    # While the model writes, the editor shows its words (read-only) before the draft is stored.
    page.wait_for_function(
        "() => { const e = document.querySelector('#editor'); return e.getAttribute('aria-busy') === 'true' && e.textContent.length > 20; }"
    )
    playwright_sync.expect(page.locator("#escalations .flag.escalate")).to_be_visible()
    playwright_sync.expect(page.locator("#editor")).to_contain_text("Hi Emeka,")
    playwright_sync.expect(page.locator("#source-badge")).to_contain_text("llm")
    playwright_sync.expect(page.locator("#editor")).to_have_attribute("contenteditable", "true")
    assert fake_openai.requests and fake_openai.requests[-1]["stream"] is True


def test_a_failed_model_says_the_playbook_wrote_the_draft_and_why(page) -> None:  # type: ignore[no-untyped-def]
    _draft(page, model="nosuchprovider/model")
    playwright_sync.expect(page.locator("#source-badge")).to_contain_text("fallback")
    note = page.locator("#source-note")
    playwright_sync.expect(note).to_contain_text("failed")
    playwright_sync.expect(note).to_contain_text("the playbook wrote this draft instead")


def test_a_hedged_apology_is_highlighted_with_its_rule(page) -> None:  # type: ignore[no-untyped-def]
    _draft(page)
    checks_requests: list[str] = []
    page.on("request", lambda r: checks_requests.append(r.url) if r.url.endswith("/v1/checks") else None)
    _type_hedge(page)
    mark = _hedge_mark(page)
    playwright_sync.expect(mark).to_be_visible()
    assert 1 <= len(checks_requests) <= 4, f"lint waits for a pause in typing, not every keystroke ({len(checks_requests)} requests)"
    assert "sev-error" in (mark.get_attribute("class") or "") and mark.get_attribute("aria-describedby")
    described = page.locator(f"#{mark.get_attribute('aria-describedby').split()[0]}")
    playwright_sync.expect(described).to_contain_text("Apologize without conditions")
    playwright_sync.expect(page.locator('#rules-list li[data-rule="unconditional-apology"][data-state="fail"]')).to_be_visible()
    mark.hover()
    tip = page.get_by_role("tooltip")
    playwright_sync.expect(tip).to_contain_text("Apologize without conditions")
    playwright_sync.expect(tip).to_contain_text("Fix:")
    _shot(page, "highlight-1280")


def test_applying_a_suggestion_clears_the_highlight(page) -> None:  # type: ignore[no-untyped-def]
    _draft(page)
    _type_hedge(page)
    mark = _hedge_mark(page)
    playwright_sync.expect(mark).to_be_visible()
    mark.hover()
    page.locator('.tip-entry[data-rule="unconditional-apology"] button.apply').click()
    playwright_sync.expect(page.locator("#editor")).to_contain_text("I'm sorry that we let you down.")
    playwright_sync.expect(page.locator("#editor[data-lint=done]")).to_be_visible()
    playwright_sync.expect(page.locator('mark.finding[data-rules~="unconditional-apology"]')).to_have_count(0)
    playwright_sync.expect(page.locator('#rules-list li[data-rule="unconditional-apology"][data-state="pass"]')).to_be_visible()


def test_the_rules_panel_jumps_and_the_keyboard_applies_a_fix(page) -> None:  # type: ignore[no-untyped-def]
    _draft(page)
    _type_hedge(page)
    playwright_sync.expect(_hedge_mark(page)).to_be_visible()
    page.locator('#rules-list li[data-rule="unconditional-apology"] button').click()
    playwright_sync.expect(page.get_by_role("tooltip")).to_contain_text("Apologize without conditions")
    page.keyboard.press("Alt+Enter")
    playwright_sync.expect(page.locator("#editor")).to_contain_text("I'm sorry that we let you down.")
    page.keyboard.press("Control+z")
    playwright_sync.expect(page.locator("#editor")).to_contain_text("I'm sorry if you feel we let you down.")
    playwright_sync.expect(_hedge_mark(page)).to_be_visible()
    page.keyboard.press("Control+Home")
    page.keyboard.press("F8")
    playwright_sync.expect(page.get_by_role("tooltip")).to_contain_text("Apologize without conditions")
    page.keyboard.press("Escape")
    playwright_sync.expect(page.get_by_role("tooltip")).to_be_hidden()


def test_mark_the_draft_sent_and_find_the_feedback_through_the_api(page, server: str) -> None:  # type: ignore[no-untyped-def]
    draft_id = _draft(page)
    _type_hedge(page)
    playwright_sync.expect(_hedge_mark(page)).to_be_visible()
    playwright_sync.expect(page.get_by_label("Sent after editing")).to_be_checked()
    page.get_by_label("Rating of the suggestion (optional)").select_option("4")
    page.get_by_label("Comment (optional)").fill("kept the apology")
    page.get_by_role("button", name="Save outcome").click()
    confirm = page.get_by_role("dialog", name="Send with rule errors?")
    playwright_sync.expect(confirm).to_be_visible()
    playwright_sync.expect(confirm).to_contain_text("Apologize without conditions")
    page.get_by_role("button", name="Send anyway").click()
    playwright_sync.expect(page.locator("#finish-result[data-saved=edited]")).to_contain_text("characters changed")
    sent_text = page.evaluate("document.querySelector('#editor').textContent")
    stored = httpx.get(f"{server}/v1/drafts/{draft_id}").json()
    assert stored["feedback"]["outcome"] == "edited"
    assert stored["feedback"]["final_text"] == sent_text and sent_text.endswith(HEDGE)
    assert stored["feedback"]["rating"] == 4 and stored["feedback"]["comment"] == "kept the apology"
    assert "unconditional-apology" in {c["rule_id"] for c in stored["feedback"]["final_checks"] if not c["passed"]}


def test_insights_draw_charts_from_stored_drafts(page, server: str) -> None:  # type: ignore[no-untyped-def]
    draft_id = _draft(page)
    assert httpx.post(f"{server}/v1/drafts/{draft_id}/feedback", json={"outcome": "sent"}).status_code == 201
    page.get_by_role("tab", name="Insights").click()
    charts = page.locator("#charts svg.chart")
    playwright_sync.expect(charts.first).to_be_visible()
    assert charts.count() >= 6
    playwright_sync.expect(
        page.get_by_role("img", name="Share of finished drafts sent as is, edited or discarded, per model and prompt version")
    ).to_be_visible()
    assert page.locator("#charts rect.bar.s-sent").count() >= 1
    drafts_total = httpx.get(f"{server}/v1/stats").json()["totals"]["drafts"]
    playwright_sync.expect(page.locator("#stats-totals .total").first).to_contain_text(str(drafts_total))
    _shot(page, "insights-1280")


def test_the_drafts_list_reopens_a_draft(page) -> None:  # type: ignore[no-untyped-def]
    draft_id = _draft(page)
    page.keyboard.press("Alt+2")
    row_button = page.locator(f'#list-body button[data-open="{draft_id}"]')
    playwright_sync.expect(row_button).to_be_visible()
    _shot(page, "drafts-1280")
    page.get_by_label("Source").select_option("fallback")
    page.get_by_role("button", name="Filter").click()
    playwright_sync.expect(row_button).to_have_count(0)
    sources = page.locator('#list-body td[data-label="Source"]')
    assert all(t == "fallback" for t in sources.all_inner_texts())
    page.locator("#l-model").fill("no-such-model")
    page.get_by_role("button", name="Filter").click()
    playwright_sync.expect(page.locator("#list-body")).to_contain_text("No stored drafts match")
    page.locator("#l-model").fill("")
    page.get_by_label("Source").select_option("")
    page.get_by_role("button", name="Filter").click()
    row_button.click()
    playwright_sync.expect(page.locator(f'#editor[data-draft-id="{draft_id}"]')).to_contain_text("Hi Emeka,")


def test_a_helpdesk_notes_link_opens_its_draft(page, server: str) -> None:  # type: ignore[no-untyped-def]
    """The notes posted to Chatwoot and Zammad link to /console/#draft/<id>."""
    draft_id = _draft(page)
    page.goto("about:blank")
    page.goto(f"{server}/console/#draft/{draft_id}")
    playwright_sync.expect(page.locator(f'#editor[data-draft-id="{draft_id}"]')).to_contain_text("Hi Emeka,")


def test_invalid_input_and_a_dead_server_are_explained(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Draft reply").click()
    playwright_sync.expect(page.locator("#f-complaint-error")).to_contain_text("Paste the customer's message")
    page.get_by_label("Customer's message").fill("My parcel is late.")
    page.locator("#f-policy summary").click()
    page.get_by_label("Largest amount").fill("-5")
    page.get_by_role("button", name="Draft reply").click()
    playwright_sync.expect(page.get_by_role("alert")).to_contain_text("invalid")
    playwright_sync.expect(page.get_by_role("alert")).to_contain_text("policy.max_amount")
    page.route(f"{server}/v1/**", lambda route: route.abort())
    page.get_by_label("Largest amount").fill("")
    page.get_by_role("button", name="Draft reply").click()
    playwright_sync.expect(page.get_by_role("alert")).to_contain_text("can't be reached")


def test_the_console_fits_a_phone(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server}/console")
    _draft(page)
    _type_hedge(page)
    playwright_sync.expect(_hedge_mark(page)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    _shot(page, "draft-390")
    page.get_by_role("tab", name="Insights").click()
    playwright_sync.expect(page.locator("#charts svg.chart").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "insights-390")
    context.close()
