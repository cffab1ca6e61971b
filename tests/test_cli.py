"""The calmreply command line: check, rules, draft (in-process), eval checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main


def test_check_exits_nonzero_and_highlights_the_words(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "We are sorry if you feel that you were overcharged.", "--complaint", "You overcharged me"])
    out = capsys.readouterr().out
    assert code == 1
    assert ">>sorry if you feel" in out
    assert "FAIL  unconditional-apology" in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "I am so sorry we lost your parcel.", "--json", "--fault", "true"])
    body = json.loads(capsys.readouterr().out)
    assert {c["rule_id"] for c in body["checks"]} >= {"calm-tone"}


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "emotion-first" in out and "Speak softly vs. speak normally" in out


def test_draft_prints_a_reply(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    complaint = tmp_path / "c.txt"
    complaint.write_text("My parcel is two weeks late and nobody answers my emails. I want a refund now.")
    assert main(["draft", "--file", str(complaint), "--channel", "chat", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["meta"]["source"] == "playbook"
    assert body["reply"]
