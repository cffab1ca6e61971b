"""calmreply evals: the rule registry (single source of truth) and the eval suite built on it."""
