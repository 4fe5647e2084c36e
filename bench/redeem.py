"""Redemption throughput against the bare authenticated endpoint on the same server.

Starts gunicorn on its own PostgreSQL database (dropped and re-migrated), prepares members with points
and one gift with ample stock, then for each endpoint runs CLIENTS keep-alive clients for SECONDS:
    GET  /api/v1/me             the bare authenticated request (token lookup + one row)
    POST /api/v1/redemptions    the use case (tally, points + lots, stock, two ledgers, one transaction)
    POST /api/v1/scans          when the route exists on this build (codes made via the admin API)
and prints requests/s and the ratios. Afterwards it checks the books: stock == Σ stock moves,
balances == Σ ledger == Σ lots, and redemptions × cost == points spent.

Run from the repo root (PostgreSQL at 127.0.0.1:5432, trust auth):
    .venv/bin/python bench/redeem.py [--db bench_mall] [--workers 4] [--clients 16] [--seconds 10]
"""
import argparse
import csv
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # standalone: make `app` importable



def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()  # never someone else's server on a fixed port


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bench_mall")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--members", type=int, default=32)
    parser.add_argument("--gifts", type=int, default=1, help="spread the clients over this many gifts "
                                                              "(1: every redemption contends for one stock row)")
    return parser.parse_args()


def environment(args):
    url = f"postgresql://postgres@127.0.0.1:5432/{args.db}"
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret", "CODE_SECRET": "bench-code-secret",
            "RATELIMIT_ENABLED": "false", "SCAN_DAILY_CAP": "100000000", "FLASK_APP": "wsgi"}


def prepare_database(env, args):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {args.db}"],
                   check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {args.db}"], check=True)
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)


def seed(env, args):
    """Members with points and tokens, an admin token, and one gift; in-process, through the services."""
    os.environ.update(env)
    from app import create_app
    from app.auth.service import create_staff
    from app.auth.tokens import issue_token
    from app.db import transaction
    from app.gifts.service import create_gift
    from app.members import service as members
    from app.members.identity import compose_id_number
    from app.points.service import post_entry
    from datetime import date

    app = create_app()
    with app.app_context():
        admin = create_staff(username="bench-admin", password="Bench#2026pw", name="压测", role="admin")
        with transaction():
            admin_token = issue_token(staff_id=admin.id)[0]
        tokens = []
        for i in range(args.members):
            member, token, _ = members.sign_up(phone=f"137{i:08d}", password="Bench#2026pw", real_name="压测",
                                               id_number=compose_id_number("440106", date(1985, 1, 1), 100 + i))
            members.update_profile(member.id, {"region_code": "440106", "preferred_category": "blended",
                                               "price_tier": "mid", "occupation": "enterprise",
                                               "income_band": "6k_10k"})
            with transaction():
                post_entry(member.id, 100_000_000, "adjust", note="bench")
            tokens.append(token)
        gifts = [create_gift(name=f"压测礼品{g}", category="生活用品", points_cost=10, stock=10_000_000).id
                 for g in range(args.gifts)]
        return admin_token, tokens, gifts


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def call(self, method, path, token, body=None):
        headers = {"Authorization": f"Bearer {token}"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def wait_for_server(server):
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            Client().call("GET", "/api/v1/openapi.json", "x")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def load(name, request_for, tokens, args):
    """CLIENTS threads, each with its own connection and member, for SECONDS; returns (req/s, statuses)."""
    counts, statuses, stop = [0] * args.clients, {}, threading.Event()
    lock = threading.Lock()

    def worker(i):
        client, token, n = Client(), tokens[i % len(tokens)], 0
        while not stop.is_set():
            method, path, body = request_for(i, n)
            status, _ = client.call(method, path, token, body)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            n += 1
        counts[i] = n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    rate = sum(counts) / (time.perf_counter() - started)
    print(f"{name:<24} {rate:8.1f} req/s   statuses {statuses}")
    if set(statuses) - {200, 201}:
        raise SystemExit(f"{name}: unexpected statuses {statuses}; the figures would be meaningless")
    return rate, statuses


def scan_codes(admin_token, total):
    """Codes for the scan benchmark through the admin API (API.md), or None without the scan route."""
    client = Client()
    status, body = client.call("GET", "/api/v1/openapi.json", admin_token)
    if "/api/v1/scans" not in json.loads(body)["paths"]:
        return None
    client.call("POST", "/api/v1/admin/products", admin_token, {
        "sku": "BENCH01", "name": "压测烟(硬)", "brand": "压测", "pack_price": "10.00", "carton_price": "100.00",
        "guide_price": "10.00", "wholesale_price": "90.00"})
    status, body = client.call("POST", "/api/v1/admin/code-batches", admin_token, {"sku": "BENCH01", "count": total})
    batch = json.loads(body)["id"]
    status, body = client.call("GET", f"/api/v1/admin/code-batches/{batch}/codes.csv", admin_token)
    return [row["code"] for row in csv.DictReader(io.StringIO(body.decode()))]


def check_books(env):
    import sqlalchemy as sa

    engine = sa.create_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        bad_stock = conn.execute(sa.text(
            "SELECT count(*) FROM gifts g WHERE g.stock <> (SELECT sum(delta) FROM gift_stock_moves m "
            "WHERE m.gift_id = g.id)")).scalar()
        bad_points = conn.execute(sa.text(
            "SELECT count(*) FROM members m WHERE m.points_balance <> "
            "(SELECT coalesce(sum(delta), 0) FROM ledger_entries e WHERE e.member_id = m.id) OR m.points_balance <> "
            "(SELECT coalesce(sum(remaining), 0) FROM point_lots l WHERE l.member_id = m.id)")).scalar()
        spent = conn.execute(sa.text("SELECT coalesce(-sum(delta), 0) FROM ledger_entries WHERE kind = 'redeem'"))
        redeemed = conn.execute(sa.text("SELECT coalesce(sum(points_spent), 0) FROM redemptions"))
        spent, redeemed = spent.scalar(), redeemed.scalar()
    engine.dispose()
    print(f"books: gifts off {bad_stock}, members off {bad_points}, spent {spent} == redeemed {redeemed}: "
          f"{'OK' if not bad_stock and not bad_points and spent == redeemed else 'BROKEN'}")


def main():
    args = parse()
    env = environment(args)
    prepare_database(env, args)
    admin_token, tokens, gifts = seed(env, args)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "wsgi:app"],
                              env=env, cwd=ROOT)
    try:
        wait_for_server(server)
        print(f"gunicorn {args.workers} sync workers, {args.clients} clients, {args.seconds:.0f} s each, "
              f"{args.gifts} gift(s), PostgreSQL {args.db}")
        me, _ = load("GET /me", lambda i, n: ("GET", "/api/v1/me", None), tokens, args)
        bodies = [{"gift_id": gift, "quantity": 1, "delivery": {"method": "pickup"}} for gift in gifts]
        redeem, _ = load("POST /redemptions", lambda i, n: ("POST", "/api/v1/redemptions", bodies[i % len(bodies)]),
                         tokens, args)
        print(f"ratio redemptions / me    {redeem / me:.2f}")
        codes = scan_codes(admin_token, 200_000)
        if codes is None:
            print("POST /scans: not on this build (the scan route lives in another branch); ratio not measured")
        else:
            per_client = len(codes) // args.clients
            scan, _ = load("POST /scans", lambda i, n: ("POST", "/api/v1/scans",
                                                         {"code": codes[i * per_client + n % per_client]}),
                           tokens, args)
            print(f"ratio redemptions / scans {redeem / scan:.2f}")
        check_books(env)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
