"""Learned layers of the rule checks: sentence and reply models trained on the labelled corpus."""
