"""Alembic environment: runs on the connection that ``tinnhiem.storage.db.migrate`` passes in."""

from alembic import context
from sqlalchemy import Connection, create_engine

from tinnhiem.storage.tables import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn: Connection) -> None:
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=conn.dialect.name == "sqlite",  # SQLite alters tables by copying
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # the alembic command line, with sqlalchemy.url set
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("alembic: set sqlalchemy.url")
    with create_engine(url).connect() as conn:
        run(conn)
        conn.commit()
