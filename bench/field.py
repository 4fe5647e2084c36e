"""Field-marketing benchmarks: each figure is a ratio measured in one run on the same database.

1. staff retailers near a point: the service (bounding box in SQL + haversine + sort) against the raw
   bounding-box SELECT it needs, on N retailers in one city;
2. a promo distribution: the service (guarded UPDATE, movement row, transaction) against the raw SQL
   (the same guarded UPDATE and INSERT in one transaction);
3. the CSV import of N retailers (validation of every row + bulk insert), rows per second.

Run from the repo root:
  BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_field .venv/bin/python bench/field.py [N]
(without BENCH_DATABASE_URL a temporary SQLite file). The database is emptied first.
"""
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # standalone: make `app` importable

import sqlalchemy as sa  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
ROUNDS = 200


def timed(fn, rounds=ROUNDS):
    started = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - started) / rounds


def main():
    from flask_migrate import upgrade

    from app import create_app
    from app.config import TestingConfig, normalize_database_url
    from app.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    url = normalize_database_url(url)
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    app = create_app(config)
    with app.app_context():
        upgrade()
        print(f"database: {db.engine.dialect.name}, {N} retailers")
        bench_import(db)
        bench_near(db)
        bench_distribution(db)


def _csv(n, start=0):
    rng = random.Random(7)
    lines = ["licence_no,name,lat,lon,region_code,format,is_sample"]
    for i in range(start, start + n):
        lines.append(f"44{i:010d},店{i},{23.1291 + rng.uniform(-0.1, 0.1):.6f},{113.324 + rng.uniform(-0.1, 0.1):.6f},"
                     f"440106,grocery,{i % 10 == 0:d}")
    return "\n".join(lines).encode()


def bench_import(db):
    from app.retailers.service import import_retailers

    data = _csv(N)
    started = time.perf_counter()
    result = import_retailers(data)
    elapsed = time.perf_counter() - started
    assert result["imported"] == N, result["errors"][:3]
    print(f"import: {N} rows in {elapsed:.2f} s = {N / elapsed:,.0f} rows/s")


def bench_near(db):
    from app.retailers.geo import bounding_box
    from app.retailers.service import find_retailers

    point, radius = (23.1291, 113.324), 1000
    min_lat, max_lat, min_lon, max_lon = bounding_box(*point, radius)
    raw_sql = sa.text("SELECT * FROM retailers WHERE status = 'active' AND lat BETWEEN :a AND :b "
                      "AND lon BETWEEN :c AND :d")
    params = {"a": min_lat, "b": max_lat, "c": min_lon, "d": max_lon}

    def service():
        find_retailers(near=point, radius_m=radius)
        db.session.rollback()

    def raw():
        db.session.execute(raw_sql, params).all()
        db.session.rollback()

    found = find_retailers(near=point, radius_m=radius)["total"]
    db.session.rollback()
    s, r = timed(service), timed(raw)
    print(f"near (1 km, {found} found): service {s * 1000:.2f} ms, raw bbox SELECT {r * 1000:.2f} ms, "
          f"ratio {s / r:.2f}")


def bench_distribution(db):
    from app.auth.service import create_staff
    from app.promo import service as promo

    staff = create_staff(username="bench-staff", password="Bench#2026x", name="压测", role="staff")
    item = promo.create_item(name="打火机", unit="个", unit_cost="2.50")
    promo.inbound(item_id=item.id, quantity=10_000_000, recorded_by=staff.id)
    promo.move(staff_id=staff.id, kind="requisition", item_id=item.id, quantity=5_000_000)
    staff_id, item_id = staff.id, item.id
    take = sa.text("UPDATE promo_stock SET quantity = quantity - 1 WHERE item_id = :i AND staff_id = :s "
                   "AND quantity >= 1 RETURNING quantity")
    record = sa.text("INSERT INTO promo_movements (kind, item_id, quantity, staff_id, recorded_by, created_at) "
                     "VALUES ('distribution', :i, 1, :s, :s, CURRENT_TIMESTAMP)")

    def service():
        promo.move(staff_id=staff_id, kind="distribution", item_id=item_id, quantity=1)

    def raw():
        with db.engine.begin() as conn:
            conn.execute(take, {"i": item_id, "s": staff_id}).scalar_one()
            conn.execute(record, {"i": item_id, "s": staff_id})

    s, r = timed(service), timed(raw)
    assert promo.audit() == []
    print(f"distribution: service {s * 1000:.2f} ms, raw guarded UPDATE + INSERT {r * 1000:.2f} ms, "
          f"ratio {s / r:.2f}")


if __name__ == "__main__":
    main()
