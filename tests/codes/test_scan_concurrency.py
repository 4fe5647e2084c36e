"""DESIGN.md rules 1, 2, 4 and 5 under real concurrency, on PostgreSQL."""
from sqlalchemy import func, select

from app.codes import batches
from app.codes.models import Scan
from app.extensions import db
from app.members.models import Member
from app.points.models import LedgerEntry
from app.points.service import ledger_sum

from ..conftest import requires_postgres, run_concurrently


def post_scan(app, token, code, headers=None):
    client = app.test_client()
    response = client.post("/api/v1/scans", json={"code": code},
                           headers={"Authorization": f"Bearer {token}", **(headers or {})})
    return response.status_code, response.get_json()


@requires_postgres
def test_fifty_members_scanning_one_code_at_once_get_exactly_one_credit(app, make_member, code):
    members = [make_member() for _ in range(50)]
    results = run_concurrently(app, lambda i: post_scan(app, members[i].token, code), 50)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 49, statuses
    assert all(body["error"]["code"] == "CODE_ALREADY_USED" and body["error"]["by_you"] is False
               for status, body in results if status == 409)
    winner = next(body for status, body in results if status == 201)
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
    balances = db.session.execute(select(Member.id, Member.points_balance)).all()
    assert sum(b for _, b in balances) == 1
    assert db.session.get(Scan, winner["scan_id"]).points_awarded == 1


@requires_postgres
def test_one_member_scanning_fifty_codes_at_once_gets_fifty_credits(app, member, codes):
    many = codes(50)
    results = run_concurrently(app, lambda i: post_scan(app, member.token, many[i]), 50)
    assert [status for status, _ in results] == [201] * 50, results
    db.session.expire_all()
    balance = db.session.get(Member, member.id).points_balance
    assert balance == 50 == ledger_sum(member.id)
    # Each credit saw its own balance: the balance_after values are exactly 1..50.
    afters = db.session.scalars(select(LedgerEntry.balance_after).where(LedgerEntry.member_id == member.id)).all()
    assert sorted(afters) == list(range(1, 51))


@requires_postgres
def test_daily_cap_holds_exactly_under_concurrent_scans(app, member, codes):
    app.config["SCAN_DAILY_CAP"] = 10
    many = codes(30)
    results = run_concurrently(app, lambda i: post_scan(app, member.token, many[i]), 30)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 10 and statuses.count(429) == 20, statuses
    assert ledger_sum(member.id) == 10


@requires_postgres
def test_one_idempotency_key_replayed_concurrently_credits_once(app, member, codes):
    code = codes(1)[0]
    headers = {"Idempotency-Key": "same-key-everywhere"}
    results = run_concurrently(app, lambda i: post_scan(app, member.token, code, headers), 20)
    assert {status for status, _ in results} == {201}, results
    assert len({body["scan_id"] for _, body in results}) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
    db.session.expire_all()
    assert db.session.get(Member, member.id).points_balance == 1 == ledger_sum(member.id)


def test_failure_between_claim_and_ledger_write_leaves_nothing(app, member, code, monkeypatch):
    """The claim row is inserted, then the ledger write fails: the claim must vanish with it."""
    from app.codes import service

    def failing_post_entry(*args, **kwargs):
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 1  # the claim was made
        raise RuntimeError("injected failure after the claim")

    monkeypatch.setattr(service, "post_entry", failing_post_entry)
    client = app.test_client()
    response = client.post("/api/v1/scans", json={"code": code}, headers=member.headers)
    assert response.status_code == 500 and response.json["error"]["code"] == "INTERNAL_ERROR"
    monkeypatch.undo()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert db.session.get(Member, member.id).points_balance == 0
    # And the code is still there to be credited.
    assert client.post("/api/v1/scans", json={"code": code}, headers=member.headers).status_code == 201


@requires_postgres
def test_concurrent_import_and_scan_of_many_batches_keep_every_balance_equal_to_its_ledger(app, make_member,
                                                                                            product):
    members = [make_member() for _ in range(5)]
    batch = batches.create_generated(sku=product.sku, count=200)
    all_codes = list(batches.generated_codes(batch))
    # Every member tries the same 40 codes in a different order: each code lands once, somewhere.
    plans = [all_codes[:40][i::1] if i % 2 else list(reversed(all_codes[:40])) for i in range(5)]

    def work(i):
        return [post_scan(app, members[i].token, c)[0] for c in plans[i]]

    results = run_concurrently(app, work, 5)
    assert sum(r.count(201) for r in results) == 40
    db.session.expire_all()
    for m in members:
        assert db.session.get(Member, m.id).points_balance == ledger_sum(m.id) >= 0


@requires_postgres
def test_a_subscriber_crediting_another_member_does_not_deadlock_with_rival_claims(app, make_member, codes):
    """Referee and referrer race for the same codes while each credit of the referee also pays the
    referrer (as a referral bonus would): every request ends in 201 or 409, never a deadlock 500."""
    from app.points import hooks
    from app.points.service import post_entry

    referrer, referee = make_member(), make_member()

    def referral_bonus(member_id, scan, now):
        if member_id == referee.id:
            post_entry(referrer.id, 1, "referral_bonus", ref=f"scan:{scan.id}", now=now)

    hooks._scan_subscribers.append(referral_bonus)
    try:
        shared = codes(15)
        people = [referrer, referee] * 4

        def work(i):
            order = shared if i % 2 else list(reversed(shared))
            return [post_scan(app, people[i].token, c)[0] for c in order]

        results = run_concurrently(app, work, len(people))
    finally:
        hooks._scan_subscribers.remove(referral_bonus)
    statuses = [s for r in results for s in r]
    assert set(statuses) <= {201, 409}, statuses
    assert statuses.count(201) == 15
    db.session.expire_all()
    for m in (referrer, referee):
        assert db.session.get(Member, m.id).points_balance == ledger_sum(m.id)
