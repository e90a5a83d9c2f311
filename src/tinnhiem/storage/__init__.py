"""SQLAlchemy tables, repositories and Alembic migrations (SQLite by default, PostgreSQL by URL)."""
