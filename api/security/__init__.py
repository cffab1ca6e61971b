"""Access control: API keys and scopes, the auth-off rule, per-key rate limits, the model allow-list."""
