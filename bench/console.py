"""Benchmark the console's heavy reads against the raw SQL they need, in one run on one database.

- export: the member list written to XLSX and CSV through its ListSpec (what ?export= and the background
  export do) against fetching the same rows with a bare SELECT;
- dashboard: the 14-day charts (three grouped queries) against one bare SUM over the same ledger range.

Run from the repo root:  .venv/bin/python bench/console.py [members] [ledger rows]
(DATABASE_URL=postgresql://… to run it on PostgreSQL; default a temporary SQLite file.)
"""
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # standalone: make `app` importable

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestingConfig, normalize_database_url  # noqa: E402
from app.db import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
LEDGER = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def fill():
    from app.members.models import Member
    from app.points.models import LedgerEntry

    now = utcnow()
    rows = [dict(phone=f"139{i:08d}", password_hash="x", real_name="张三", id_number_hash=f"h{i}",
                 id_number_masked="44**************02", birth_date=date(1990, 1, 1), gender="M", status="active",
                 level_code="normal", points_balance=0, valid_until=date(2027, 1, 1), referral_code=f"R{i:07d}",
                 region_code="440106", consent_at=now, consent_version="b", created_at=now - timedelta(
                     minutes=random.randrange(20 * 24 * 60))) for i in range(MEMBERS)]
    db.session.execute(insert(Member), rows)
    entries = [dict(member_id=random.randrange(1, MEMBERS + 1), delta=random.choice((2, 2, 2, -50)),
                    balance_after=100, kind=random.choice(("scan", "scan", "redeem")),
                    created_at=now - timedelta(minutes=random.randrange(30 * 24 * 60))) for _ in range(LEDGER)]
    for start in range(0, len(entries), 20_000):
        db.session.execute(insert(LedgerEntry), entries[start:start + 20_000])
    db.session.commit()


def main():
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": normalize_database_url(url)})
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        random.seed(1)
        fill()
        from app.admin import dashboard, export
        from app.admin.members import MEMBERS as SPEC
        from app.admin.listing import statement_for
        from app.members.models import Member
        from app.points.models import LedgerEntry
        from werkzeug.datastructures import MultiDict

        statement = statement_for(SPEC, MultiDict({"sort": "-created_at"}))

        def bare_fetch():
            db.session.execute(select(Member.__table__).order_by(Member.created_at.desc())).all()

        def spec_export(fmt):
            def run():
                rows = db.session.scalars(statement.execution_options(yield_per=500))
                export.write(fmt, SPEC, rows, io.BytesIO())
                db.session.rollback()
            return run

        with app.test_request_context("/admin/members"):
            t_bare = timed(bare_fetch)
            t_xlsx = timed(spec_export("xlsx"), repeat=1)
            t_csv = timed(spec_export("csv"), repeat=1)
            start = dashboard._start(date.today() - timedelta(days=13))

            def bare_count():  # the floor: one pass summing the ledger rows of the 14 days
                db.session.scalar(select(func.sum(LedgerEntry.delta)).where(LedgerEntry.created_at >= start))

            t_count = timed(bare_count)
            t_daily = timed(dashboard.daily)
            t_page_figures = timed(lambda: (dashboard.summary(), dashboard.daily()))
        print(f"database: {db.engine.dialect.name}; members {MEMBERS}, ledger rows {LEDGER}")
        print(f"export {MEMBERS} members: bare SELECT {t_bare:.3f}s | XLSX {t_xlsx:.3f}s "
              f"({t_xlsx / t_bare:.1f}x, {MEMBERS / t_xlsx:,.0f} rows/s) | CSV {t_csv:.3f}s "
              f"({t_csv / t_bare:.1f}x, {MEMBERS / t_csv:,.0f} rows/s)")
        print(f"dashboard 14-day charts {t_daily * 1000:.1f} ms vs one bare SUM over the same ledger range "
              f"{t_count * 1000:.1f} ms ({t_daily / t_count:.1f}x); all figures of the page {t_page_figures * 1000:.1f} ms")


if __name__ == "__main__":
    main()
