"""Benchmark one week's market indicators against the bare SQL aggregate, on PostgreSQL.

Creates (drops and recreates) its own database, migrates it, bulk-loads R sample retailers × S specs × W weeks
of observations with INSERT … SELECT generate_series (plus a second, later observation for 5% of the pairs in
the measured week, so "the last one counts" has work to do), then times:
  - service: app.stats.market.compute_week(week) (and grouped by format), what GET /admin/stats/indicators runs;
  - bare:    SELECT product_id, count(*), sum(...) FROM observations WHERE week = :w GROUP BY product_id;
  - dedupe:  the window that picks the last observation of each (retailer, spec, week) in t−3..t, alone.
Every figure is the median of --repeat warm runs.

Run from the repo root:
  .venv/bin/python bench/indicators.py [--retailers 5000] [--specs 50] [--weeks 52] [--repeat 5]
      [--url postgresql://postgres@127.0.0.1:5432/bench_stats] [--reuse]
"""
import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # standalone: make `app` importable

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Config, normalize_database_url  # noqa: E402
from app.observations.service import iso_week  # noqa: E402

WEEK = "2026-W47"
BARE_SQL = """SELECT product_id, count(*), sum(stock_packs), sum(ordered_packs), sum(demand_packs)
              FROM observations WHERE week = :w GROUP BY product_id"""
# The floor set by the definitions themselves: weeks t−3..t read, and the last observation of each
# (retailer, spec, week) picked, before any indicator is computed.
DEDUPE_SQL = """SELECT count(*) FROM (
                  SELECT ROW_NUMBER() OVER (PARTITION BY retailer_id, product_id, week
                                            ORDER BY observed_at DESC, id DESC) AS rn
                  FROM observations WHERE week IN ('2026-W44', '2026-W45', '2026-W46', :w)) x WHERE rn = 1"""


def recreate_database(url):
    server, name = url.rsplit("/", 1)
    engine = sa.create_engine(normalize_database_url(server + "/postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


def load(engine, retailers, specs, weeks):
    last_monday = date.fromisocalendar(2026, 47, 1)
    mondays = [last_monday - timedelta(weeks=n) for n in range(weeks)]
    week_values = ", ".join(f"('{iso_week(m)}', DATE '{m}')" for m in mondays)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET synchronous_commit = off")
        conn.exec_driver_sql(f"""
            INSERT INTO products (sku, name, brand, pack_price, carton_price, guide_price, wholesale_price,
                                  price_class, points_per_pack, status, created_at)
            SELECT 'SKU' || lpad(i::text, 3, '0'), '规格' || i, '品牌' || mod(i, 7), 10 + i, (10 + i) * 10 - 5,
                   10 + i, (10 + i) * 8.5, 1 + mod(i, 5), 1, 'active', now()
            FROM generate_series(1, {specs}) i""")
        conn.exec_driver_sql(f"""
            INSERT INTO retailers (licence_no, name, region_code, format, market_type, district_type,
                                   customer_class, is_chain, is_sample, status, created_at)
            SELECT 'L' || lpad(r::text, 8, '0'), '店' || r,
                   (ARRAY['440106','440104','440105','440111','430102','430103'])[1 + mod(r, 6)],
                   (ARRAY['grocery','convenience','supermarket','mall','tobacco_liquor','entertainment','other'])[1 + mod(r, 7)],
                   (ARRAY['urban','rural'])[1 + mod(r, 2)],
                   (ARRAY['commercial','industrial','school','government','residential','leisure','transit','other'])[1 + mod(r, 8)],
                   (ARRAY['core','key','general'])[1 + mod(r, 3)], false, true, 'active', now()
            FROM generate_series(1, {retailers}) r""")
        conn.exec_driver_sql("DROP INDEX ix_observations_week_product")
        conn.exec_driver_sql("DROP INDEX ix_observations_retailer_product_week")
        started = time.perf_counter()
        conn.exec_driver_sql(f"""
            WITH w(week, monday) AS (VALUES {week_values}),
            base AS (
              SELECT r.id AS retailer_id, p.id AS product_id, w.week, w.monday + mod(r.id + p.id, 5) AS day,
                     p.guide_price, random() AS u, random() AS v
              FROM retailers r CROSS JOIN products p CROSS JOIN w
            )
            INSERT INTO observations (retailer_id, product_id, observed_on, observed_at, week, stock_packs,
                                      ordered_packs, demand_packs, out_of_stock, pack_price, carton_price,
                                      channel, created_at)
            SELECT retailer_id, product_id, day, day + time '10:00', week, (u * 40)::int,
                   CASE WHEN v < 0.6 THEN (v * 50)::int ELSE 0 END,
                   CASE WHEN v < 0.6 THEN (v * 50)::int ELSE 0 END + CASE WHEN u < 0.1 THEN 5 ELSE 0 END,
                   u < 0.03, round((guide_price * (0.95 + v * 0.1))::numeric, 2), round((guide_price * (9.4 + u))::numeric, 2),
                   'visit', now()
            FROM base""")
        conn.exec_driver_sql(f"""
            INSERT INTO observations (retailer_id, product_id, observed_on, observed_at, week, stock_packs,
                                      ordered_packs, demand_packs, out_of_stock, pack_price, carton_price,
                                      channel, created_at)
            SELECT retailer_id, product_id, observed_on + 1, observed_at + interval '1 day', week,
                   stock_packs + 1, ordered_packs, demand_packs, false, pack_price, carton_price, 'phone', now()
            FROM observations WHERE week = '{WEEK}' AND mod(retailer_id + product_id, 20) = 0""")
        loaded = time.perf_counter() - started
        conn.exec_driver_sql("CREATE INDEX ix_observations_week_product ON observations (week, product_id)")
        conn.exec_driver_sql("CREATE INDEX ix_observations_retailer_product_week "
                             "ON observations (retailer_id, product_id, week)")
        rows = conn.exec_driver_sql("SELECT count(*) FROM observations").scalar()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    return rows, loaded


def timed(func, repeat):
    func()  # warm the cache: every figure is a warm run
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, default=5000)
    parser.add_argument("--specs", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_stats")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database (skip the load)")
    args = parser.parse_args()

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": normalize_database_url(args.url),
                                             "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    if not args.reuse:
        recreate_database(args.url)
    app = create_app(config)
    with app.app_context():
        from flask_migrate import upgrade

        from app.extensions import db
        from app.stats.market import compute_week

        if not args.reuse:
            upgrade()
            rows, seconds = load(db.engine, args.retailers, args.specs, args.weeks)
            print(f"loaded {rows:,} observations ({args.retailers} retailers × {args.specs} specs × "
                  f"{args.weeks} weeks + 5% repeats in {WEEK}) in {seconds:.0f} s")
        bare = timed(lambda: db.session.execute(sa.text(BARE_SQL), {"w": WEEK}).all(), args.repeat)
        dedupe = timed(lambda: db.session.execute(sa.text(DEDUPE_SQL), {"w": WEEK}).all(), args.repeat)
        service = timed(lambda: compute_week(WEEK), args.repeat)
        grouped = timed(lambda: compute_week(WEEK, "format"), args.repeat)
        items = len(compute_week(WEEK))
    print(f"bare SQL aggregate (one week, GROUP BY spec): {bare * 1000:8.1f} ms")
    print(f"bare dedupe of weeks t-3..t (last counts):   {dedupe * 1000:8.1f} ms  ratio {dedupe / bare:5.1f}x")
    print(f"indicators, one week ({items} specs):           {service * 1000:8.1f} ms  ratio {service / bare:5.1f}x")
    print(f"indicators, grouped by format:               {grouped * 1000:8.1f} ms  ratio {grouped / bare:5.1f}x")


if __name__ == "__main__":
    main()
