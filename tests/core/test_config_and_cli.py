import pytest
import sqlalchemy as sa

from app import create_app
from app.config import Config, normalize_database_url
from app.extensions import db
from app.jobs import JOBS

from ..conftest import ON_POSTGRES


def test_missing_secret_key_outside_testing_is_a_clear_startup_error(monkeypatch):
    config = type("Prod", (Config,), {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_postgresql_urls_are_taken_as_postgresql_writes_them():
    assert normalize_database_url("postgresql://postgres@127.0.0.1:5432/test") == \
        "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite pragmas")
def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite locking")
def test_sqlite_write_transactions_take_the_write_lock_up_front_and_reads_do_not(app):
    from app.db import transaction
    from app.members.models import MemberLevel

    db.session.remove()
    statements = []
    spy = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", spy)
    try:
        with transaction():
            db.session.add(MemberLevel(code="probe", name="探针", min_points=10**7, multiplier="1.00"))
        writes = list(statements)
        db.session.remove()
        statements.clear()
        db.session.scalar(sa.select(MemberLevel.code).limit(1))
        reads = list(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", spy)
    assert writes[0] == "BEGIN IMMEDIATE" and reads[0] == "BEGIN"


def test_cli_creates_admin_and_staff_who_can_log_in(runner, api):
    result = runner.invoke(args=["users", "create-admin", "--username", "boss", "--password", "Boss#2026pw"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create-staff", "--username", "field1", "--password", "Field#2026pw"])
    assert result.exit_code == 0, result.output
    assert api.post("/staff/login", {"username": "boss", "password": "Boss#2026pw"}).json["role"] == "admin"
    assert api.post("/staff/login", {"username": "field1", "password": "Field#2026pw"}).json["role"] == "staff"


def test_cli_refuses_a_taken_username_and_a_weak_password(runner):
    runner.invoke(args=["users", "create-admin", "--username", "boss", "--password", "Boss#2026pw"])
    taken = runner.invoke(args=["users", "create-staff", "--username", "boss", "--password", "Other#2026pw"])
    assert taken.exit_code != 0 and "该用户名已被使用" in taken.output
    weak = runner.invoke(args=["users", "create-staff", "--username", "weak", "--password", "12345678"])
    assert weak.exit_code != 0


def test_demo_seed_fills_an_empty_database_once(runner, api):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "13800138000" in first.output and "Admin@2026" in first.output
    login = api.post("/auth/login", {"phone": "13800138000", "password": "Member@2026"})
    assert login.status_code == 200
    assert api.get("/me", token=login.json["access_token"]).json["profile_complete"] is True
    members = db.session.scalar(sa.text("SELECT count(*) FROM members"))
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0 and "not reloaded" in again.output
    assert db.session.scalar(sa.text("SELECT count(*) FROM members")) == members


def test_scheduled_jobs_have_unique_stable_ids_and_can_run_twice(runner):
    ids = [job.id for job in JOBS]
    assert len(ids) == len(set(ids))
    listed = runner.invoke(args=["scheduler", "list"])
    assert all(job_id in listed.output for job_id in ids)
    for job_id in ids:
        for _ in range(2):
            result = runner.invoke(args=["scheduler", "run-once", job_id])
            assert result.exit_code == 0, result.output
