"""calmreply service: drafting pipeline, HTTP API, storage and CLI."""
