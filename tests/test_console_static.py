"""The console's files: served from the package, self-contained (no CDN), nothing outside its folder."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.console import STATIC


def test_console_is_served_with_its_assets(client: TestClient) -> None:
    r = client.get("/console", follow_redirects=False)
    assert r.status_code in (307, 308) and r.headers["location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset in re.findall(r'(?:src|href)="([^"#]+)"', page.text):
        got = client.get(f"/console/{asset}")
        assert got.status_code == 200, asset
    assert client.get("/console/app.js").headers["content-type"].startswith("text/javascript")


def test_console_fetches_nothing_from_elsewhere() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        urls = [u for u in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text) if "www.w3.org/2000/svg" not in u]
        assert not urls, f"{path.name} refers to {urls}"
        assert "@import" not in text and "fonts.googleapis" not in text


def test_only_files_in_the_console_folder_are_served(client: TestClient) -> None:
    for name in ("../main.py", "..%2Fmain.py", "nope.js", "static/app.js"):
        assert client.get(f"/console/{name}").status_code == 404, name
    assert "/console" not in client.get("/openapi.json").json()["paths"]
