"""Benchmark scanning (POST /api/v1/scans) with gunicorn against PostgreSQL.

Prints, from one run on one server:
  * scan throughput as a ratio to the bare authenticated endpoint GET /api/v1/me (same server, same load),
    with p50/p99 latency of each;
  * scan latency with ~10 000 vs ~5 000 000 claimed codes in `scans`.

Load generator: wrk (`apt-get install -y wrk`) with a Lua script that gives every request its own unused
code and spreads requests over many members (each scan locks its member's row, by design).

Run from the repo root (PostgreSQL at 127.0.0.1:5432, trust auth; the database is dropped and re-made):
    .venv/bin/python bench/scan.py [--db bench_codes] [--workers 2] [--threads 4] [--connections 16]
                                   [--duration 10] [--rounds 3] [--big 5000000]
"""
import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMBERS = 400
SECRET = "bench-code-secret-0123456789abcdef"

SCAN_LUA = """
-- one wrk thread: every request takes the next unused code; members in turn
local codes, tokens, i = {}, {}, 0
function init(args)
  for line in io.lines(args[1]) do codes[#codes + 1] = line end
  for line in io.lines(args[2]) do tokens[#tokens + 1] = line end
end
function request()
  local code = codes[(i % #codes) + 1]
  local token = tokens[(i % #tokens) + 1]
  i = i + 1
  return wrk.format("POST", "/api/v1/scans",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
    '{"code": "' .. code .. '"}')
end
"""

ME_LUA = """
local tokens, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
end
function request()
  i = i + 1
  return wrk.format("GET", "/api/v1/me", {["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1]})
end
"""


def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def psql(db, sql):
    return sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-Atc", sql).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env, codes_needed):
    """Migrate, then load members with tokens, a product and one generated batch (one row)."""
    os.environ.update(env)
    from app import create_app
    from app.auth.passwords import hash_password
    from app.auth.tokens import issue_token
    from app.codes import batches
    from app.db import transaction, utcnow
    from app.extensions import db
    from app.members.models import Member
    from app.products.service import add_product, default_prices
    from decimal import Decimal
    from flask_migrate import upgrade

    app = create_app()
    with app.app_context():
        upgrade()
        product = add_product(sku="BENCH", name="中华(硬)", brand="中华", price_class=1, points_per_pack=1,
                              **default_prices(Decimal("45.00")))
        batch = batches.create_generated(sku=product.sku, count=codes_needed)
        password = hash_password("Bench#2026")  # once: argon2 is slow on purpose
        tokens = []
        with transaction():
            now = utcnow()
            for i in range(MEMBERS + 1):  # the last one owns the filler rows
                member = Member(phone=f"139{i:08d}", password_hash=password, real_name="测试", gender="M",
                                id_number_hash=secrets.token_hex(32), id_number_masked="4401**********1234",
                                birth_date=date(1990, 1, 1), status="active", level_code="normal",
                                points_balance=0, valid_until=date.today() + timedelta(days=365),
                                referral_code=secrets.token_hex(4).upper(), region_code="440106",
                                preferred_category="blended", price_tier="mid", occupation="enterprise",
                                income_band="6k_10k", consent_at=now, consent_version="bench", created_at=now)
                db.session.add(member)
                db.session.flush()
                token, _ttl = issue_token(member_id=member.id)
                tokens.append((member.id, token))
        codes = list(batches.generated_codes(batch))
        ids = (batch.id, product.id, tokens[-1][0])
        db.engine.dispose()
    return tokens[:-1], codes, ids


def fill_claims(db, total, ids):
    """Top `scans` up to `total` rows of claimed codes that are not ours ('0' is not in the alphabet)."""
    batch_id, product_id, member_id = ids
    have = int(psql(db, "SELECT count(*) FROM scans"))
    if have < total:
        psql(db, f"""INSERT INTO scans (code, batch_id, product_id, member_id, points_awarded, created_at)
                     SELECT '0FILL' || lpad(g::text, 19, '0'), {batch_id}, {product_id}, {member_id}, 1,
                            now() - interval '400 days' + g * interval '1 second'
                     FROM generate_series({have + 1}, {total}) g""")
    psql(db, "VACUUM ANALYZE scans")
    return int(psql(db, "SELECT count(*) FROM scans"))


def wrk(script, url, args, connections, duration):
    out = sh("wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, url,
             "--", *args).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": pct.get("50"), "p99": pct.get("99"), "requests": total,
            "non_2xx": int(errors.group(1)) if errors else 0}


def median_run(runs):
    """Median of each figure over runs (latencies compared in ms), summed error counts."""
    def med(values):
        values = sorted(values)
        return values[len(values) // 2]
    return {"rps": med([r["rps"] for r in runs]),
            "p50": f"{med([ms(r['p50']) for r in runs]):.2f}ms", "p99": f"{med([ms(r['p99']) for r in runs]):.2f}ms",
            "requests": sum(r["requests"] for r in runs), "non_2xx": sum(r["non_2xx"] for r in runs)}


def ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bench_codes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=5_000_000)
    opts = parser.parse_args()

    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {opts.db}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {opts.db}")
    env = {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{opts.db}", "SECRET_KEY": secrets.token_hex(16),
           "CODE_SECRET": SECRET, "RATELIMIT_ENABLED": "false", "SCAN_DAILY_CAP": "1000000000"}
    codes_needed = 100_000 * (2 * opts.rounds + 1)  # a fresh slice per scan run
    t = time.perf_counter()
    tokens, codes, ids = prepare(env, codes_needed)
    print(f"setup: {len(tokens)} members, batch of {len(codes):,} codes in {time.perf_counter() - t:.1f}s")

    work = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    (work / "tokens.txt").write_text("\n".join(tok for _, tok in tokens) + "\n")
    (work / "scan.lua").write_text(SCAN_LUA)
    (work / "me.lua").write_text(ME_LUA)
    runs = iter(range(2 * opts.rounds + 1))

    def code_file():  # a fresh slice of unused codes per run, so no run replays another's
        k = next(runs)
        path = work / f"codes{k}.txt"
        path.write_text("\n".join(codes[k * 100_000:(k + 1) * 100_000]) + "\n")
        return str(path)

    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"),
         "--bind", f"127.0.0.1:{port}", "--workers", str(opts.workers), "--threads", str(opts.threads),
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        c, d = opts.connections, opts.duration
        claimed_small = fill_claims(opts.db, opts.small, ids)
        wrk(str(work / "me.lua"), url, [str(work / "tokens.txt")], c, 3)  # warm-up
        warm = wrk(str(work / "scan.lua"), url, [code_file(), str(work / "tokens.txt")], c, 3)
        # Alternate the two endpoints, so load from outside the benchmark hits both alike; medians.
        mes, smalls = [], []
        for _ in range(opts.rounds):
            mes.append(wrk(str(work / "me.lua"), url, [str(work / "tokens.txt")], c, d))
            smalls.append(wrk(str(work / "scan.lua"), url, [code_file(), str(work / "tokens.txt")], c, d))
        me, scan_small = median_run(mes), median_run(smalls)
        t = time.perf_counter()
        claimed_big = fill_claims(opts.db, opts.big, ids)
        fill_s = time.perf_counter() - t
        scan_big = median_run([wrk(str(work / "scan.lua"), url, [code_file(), str(work / "tokens.txt")], c, d)
                               for _ in range(opts.rounds)])
    finally:
        server.terminate()
        server.wait(timeout=30)

    ledger_ok = psql(opts.db, "SELECT count(*) FROM members m WHERE m.points_balance <> "
                              "(SELECT coalesce(sum(delta), 0) FROM ledger_entries l WHERE l.member_id = m.id)")
    print(f"server: gunicorn {opts.workers} workers x {opts.threads} threads; wrk 1 thread, {c} connections, {d}s"
          f" per run, median of {opts.rounds} runs; cpus {os.cpu_count()}, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"warm-up scans: {warm['requests']} (non-2xx {warm['non_2xx']})")
    print(f"GET /api/v1/me            : {me['rps']:8.0f} req/s  p50 {me['p50']:>8}  p99 {me['p99']:>8}"
          f"  (non-2xx {me['non_2xx']})")
    print(f"POST /api/v1/scans        : {scan_small['rps']:8.0f} req/s  p50 {scan_small['p50']:>8}"
          f"  p99 {scan_small['p99']:>8}  (non-2xx {scan_small['non_2xx']})   scans table ~{claimed_small:,} rows")
    print(f"scan / bare endpoint      : {scan_small['rps'] / me['rps']:.2f}x throughput, "
          f"p50 {ms(scan_small['p50']) / ms(me['p50']):.2f}x latency")
    print(f"POST /api/v1/scans (big)  : {scan_big['rps']:8.0f} req/s  p50 {scan_big['p50']:>8}"
          f"  p99 {scan_big['p99']:>8}  (non-2xx {scan_big['non_2xx']})   scans table ~{claimed_big:,} rows "
          f"(filled in {fill_s:.0f}s)")
    print(f"5M vs 10k claimed         : p50 {ms(scan_big['p50']) / ms(scan_small['p50']):.2f}x, "
          f"p99 {ms(scan_big['p99']) / ms(scan_small['p99']):.2f}x, throughput "
          f"{scan_big['rps'] / scan_small['rps']:.2f}x")
    print(f"members whose balance != sum(ledger): {ledger_ok}")


if __name__ == "__main__":
    main()
