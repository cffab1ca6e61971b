"""Fake models for the eval suite (the gullible one obeys injected instructions)."""
