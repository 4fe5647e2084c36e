"""Fixtures: a migrated database per test (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
the app and its client, and helpers to make members, staff and admins with tokens.

The schema is always made by the real migrations. They run once per session; each test then gets a
fresh database: a copy of the migrated SQLite file, or on PostgreSQL the same schema with every table
emptied and the migrations' seed rows put back.
"""
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestingConfig, normalize_database_url
from app.extensions import db as _db, limiter

from . import factories

PG_URL = os.environ.get("TEST_DATABASE_URL")
ON_POSTGRES = bool(PG_URL)

requires_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="concurrency tests run on PostgreSQL "
                                                              "(set TEST_DATABASE_URL)")


def _config(url):
    return type("SuiteConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})


def _migrate(url):
    from flask_migrate import upgrade

    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        _db.engine.dispose()


def _worker_database(url):
    """Under pytest-xdist each worker gets a database of its own beside the one named (test → test_gw0)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).scalar():
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {error}")
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Migrate once; yield a function that makes a fresh database URL for one test."""
    if ON_POSTGRES:
        url = _worker_database(normalize_database_url(PG_URL))
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        except sa.exc.OperationalError as error:
            pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {error}")
        _migrate(url)
        meta = sa.MetaData()
        meta.reflect(engine)
        tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
        with engine.connect() as conn:  # rows the migrations themselves put in (levels, say)
            seeds = {t: [dict(r._mapping) for r in conn.execute(t.select())] for t in tables}
        names = ", ".join(f'"{t.name}"' for t in tables)

        def fresh():
            with engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                for table, rows in seeds.items():
                    if rows:
                        conn.execute(table.insert(), rows)
            return url

        yield fresh
        engine.dispose()
    else:
        folder = tmp_path_factory.mktemp("db")
        template = folder / "template.db"
        _migrate(f"sqlite:///{template}")
        counter = iter(range(10**9))

        def fresh():
            path = folder / f"test{next(counter)}.db"
            shutil.copyfile(template, path)
            return f"sqlite:///{path}"

        yield fresh


@pytest.fixture
def app(database, tmp_path):
    config = _config(database())
    config.UPLOAD_DIR = str(tmp_path / "uploads")
    app = create_app(config)
    limiter.reset()  # rate-limit counters live in the process (memory://); each test starts at zero
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Api:
    """Thin JSON client: api.post("/scans", {...}, token=t) → response. Paths are under /api/v1."""

    def __init__(self, client):
        self.client = client

    def _call(self, method, path, json=None, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith(("/api/", "/media/")) else f"/api/v1{path}"
        return self.client.open(url, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self._call("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self._call("PATCH", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self._call("PUT", path, json=json, **kw)

    def delete(self, path, **kw):
        return self._call("DELETE", path, **kw)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def make_member(app):
    """make_member(complete_profile=True, **sign-up fields) → factories.MemberHandle(member, token, password)."""
    return lambda **kw: factories.create_member(**kw)


@pytest.fixture
def member(make_member):
    return make_member()


@pytest.fixture
def other_member(make_member):
    return make_member()


@pytest.fixture
def staff(app):
    return factories.create_staff(role="staff")


@pytest.fixture
def admin(app):
    return factories.create_staff(role="admin")


def run_concurrently(app, func, count, workers=None):
    """Run func(i) in `count` threads released together; returns the results in order."""
    barrier = threading.Barrier(count)

    def task(i):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                return func(i)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=workers or count) as pool:
        return list(pool.map(task, range(count)))
