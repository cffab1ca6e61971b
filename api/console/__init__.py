"""The agent console: static HTML, CSS and ES modules served at /console (no build step, no CDN)."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
