"""Database plumbing: UTC timestamps, SQLite pragmas, and the unit of work that services use."""
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from .extensions import db


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def init_app(app):
    engine_url = app.config["SQLALCHEMY_DATABASE_URI"]
    if engine_url.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {}).update({"timeout": 30, "check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_conn, _record):
    if type(dbapi_conn).__module__.startswith("sqlite3"):
        # Let SQLAlchemy emit BEGIN itself (below) so writers can take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name == "sqlite":
        # A write transaction that starts deferred can fail to upgrade its lock under contention
        # (SQLITE_BUSY without waiting); BEGIN IMMEDIATE queues on the busy timeout instead.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def transaction():
    """The unit of work of a use case: commits everything or nothing.

    The outermost call begins a fresh write transaction and commits it; nested calls join it, so a
    route wrapper (idempotency) and the service it calls share one transaction.
    """
    session = db.session()  # the scoped session's current Session
    depth = session.info.get("tx_depth", 0)
    if depth == 0:
        if session.in_transaction():
            # Whatever was read before (the caller, say) ends here; a write transaction starts clean.
            session.rollback()
        session.connection(execution_options={"write": True})
    session.info["tx_depth"] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info["tx_depth"] = depth


def violated_constraint(error: IntegrityError) -> str:
    """Name of the constraint (PostgreSQL) or the columns (SQLite) behind an IntegrityError."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    return str(error.orig)


def insert_ignoring_conflict(model, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING (PostgreSQL and SQLite); True when the row went in.

    A concurrent twin waits for the first insert to commit and then does nothing, instead of failing
    its whole transaction the way a caught IntegrityError would on PostgreSQL.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    key = list(model.__table__.primary_key.columns)[0]
    inserted = session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(key))
    return inserted.first() is not None


def guarded_update(column, *where, **values):
    """`UPDATE … SET values WHERE where RETURNING column`: a write whose guard is part of the statement
    (a status still pending, a stock still sufficient). Returns the column's new value, or None when
    the guard refused. Loaded objects are not touched: expire them if they are used again."""
    from sqlalchemy import update

    model = column.class_
    return db.session.execute(update(model).where(*where).values(**values).returning(column)
                              .execution_options(synchronize_session=False)).scalar_one_or_none()
