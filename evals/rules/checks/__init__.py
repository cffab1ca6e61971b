"""One module per playbook concern; each exposes pure `check_*(ctx) -> Verdict` functions."""
