"""GET /console: the agent console's static files, shipped in the package. Nothing is fetched from elsewhere."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.console import STATIC

router = APIRouter(prefix="/console", include_in_schema=False)
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


@router.get("")
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=307)


@router.get("/{name:path}")
def console_file(name: str) -> Response:
    """Only files that sit in the static folder itself are served; anything else is a 404."""
    files = {p.name: p for p in STATIC.iterdir() if p.is_file()}
    path = files.get(name or "index.html")
    if path is None:
        return Response(status_code=404, content="not found", media_type="text/plain")
    media = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, headers=_HEADERS)
