"""Storage: SQLAlchemy 2 models, Alembic migrations, and the repository the routes use."""
