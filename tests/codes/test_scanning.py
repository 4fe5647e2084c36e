from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.codes import batches
from app.codes.codec import ALPHABET
from app.codes.models import Scan
from app.db import transaction
from app.extensions import db
from app.members.models import Member
from app.points.models import LedgerEntry
from app.points.service import ledger_sum

from ..factories import COMPLETE_PROFILE
from .conftest import forged, make_product


def scan(api, who, code, headers=None, **fields):
    return api.post("/scans", {"code": code, **fields}, token=who.token, headers=headers)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_scanning_a_code_credits_points_once_with_ledger_and_balance(api, member, code, product):
    response = scan(api, member, code)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["points_awarded"] == 1 and body["balance"] == 1
    assert body["product"] == {"id": product.id, "name": "中华(硬)"}
    entry = db.session.scalars(select(LedgerEntry)).one()
    assert (entry.kind, entry.delta, entry.balance_after, entry.ref) == ("scan", 1, 1, f"scan:{body['scan_id']}")
    assert "中华(硬)" in entry.note
    assert api.get("/me", token=member.token).json["points_balance"] == 1


def test_second_scan_of_a_code_is_rejected_and_says_who_used_it(api, member, other_member, code):
    assert scan(api, member, code).status_code == 201
    again = scan(api, member, code)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "CODE_ALREADY_USED" and again.json["error"]["by_you"] is True
    other = scan(api, other_member, code)
    assert other.status_code == 409 and other.json["error"]["by_you"] is False
    assert count(Scan) == 1 and count(LedgerEntry) == 1


@pytest.mark.parametrize("variant", [
    lambda c: c.lower(),
    lambda c: c.replace("-", " "),
    lambda c: c.replace("-", ""),
    lambda c: f"  {c.replace('-', '—')}  ",
    lambda c: f"https://app.example.com/s?c={c}",
    lambda c: f"https://app.example.com/s/{c.replace('-', '')}",
])
def test_typed_or_wrapped_forms_of_a_code_are_the_same_code(api, member, other_member, code, variant):
    assert scan(api, member, variant(code)).status_code == 201
    assert scan(api, other_member, code).json["error"]["code"] == "CODE_ALREADY_USED"


def _mistype(code):
    compact = code.replace("-", "")
    i = 5
    wrong = next(ch for ch in ALPHABET if ch != compact[i])
    return compact[:i] + wrong + compact[i + 1:]


@pytest.mark.parametrize("bad", ["", "ABC", "12345678901234567890!!", "O0I1-L" * 4, "中华烟" * 8])
def test_badly_shaped_input_is_malformed(api, member, bad):
    response = scan(api, member, bad)
    assert response.status_code == 422 and response.json["error"]["code"] == "CODE_MALFORMED"


def test_a_typo_fails_the_check_character_and_is_malformed(api, member, code):
    response = scan(api, member, _mistype(code))
    assert response.status_code == 422 and response.json["error"]["code"] == "CODE_MALFORMED"
    assert count(Scan) == 0


def test_a_well_formed_fake_is_invalid_without_touching_the_database(app, api, member, code):
    statements = []
    from sqlalchemy import event

    def spy(conn, cursor, statement, *args):
        statements.append(statement)

    token = member.token
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", spy)
        try:
            response = api.post("/scans", {"code": forged(code)}, token=token)
        finally:
            event.remove(db.engine, "before_cursor_execute", spy)
    assert response.status_code == 404 and response.json["error"]["code"] == "CODE_INVALID"
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert not any("code_batches" in s or "scans" in s for s in statements)  # decided by the HMAC alone


def test_a_genuine_code_beyond_the_batch_count_is_invalid(api, member, batch):
    from app.codes.keys import codec

    with api.client.application.app_context():
        beyond = codec().encode(batch.id, batch.count)
    response = scan(api, member, beyond)
    assert response.status_code == 404 and response.json["error"]["code"] == "CODE_INVALID"


def test_codes_of_a_voided_batch_are_not_active(api, member, batch, code):
    batches.void_batch(batch.id)
    response = scan(api, member, code)
    assert response.status_code == 409 and response.json["error"]["code"] == "CODE_NOT_ACTIVE"
    assert response.json["error"]["reason"] == "voided" and "有效期" not in response.json["error"]["message"]


@pytest.mark.parametrize("window, reason", [((1, 30), "not_yet_valid"), ((-30, -1), "expired")])
def test_codes_outside_the_batch_window_are_not_active(api, member, product, window, reason):
    now = datetime.now(timezone.utc)
    b = batches.create_generated(sku=product.sku, count=5, valid_from=now + timedelta(days=window[0]),
                                 valid_until=now + timedelta(days=window[1]))
    response = scan(api, member, next(batches.generated_codes(b)))
    assert response.status_code == 409 and response.json["error"]["code"] == "CODE_NOT_ACTIVE"
    assert response.json["error"]["reason"] == reason


def test_scanning_needs_a_complete_profile(api, make_member, code):
    incomplete = make_member(complete_profile=False)
    response = scan(api, incomplete, code)
    assert response.status_code == 403 and response.json["error"]["code"] == "PROFILE_INCOMPLETE"
    assert count(Scan) == 0


def test_an_expired_membership_cannot_scan(api, member, code):
    with transaction():
        db.session.get(Member, member.id).valid_until = date(2020, 1, 1)
    response = scan(api, member, code)
    assert response.status_code == 409 and response.json["error"]["code"] == "MEMBERSHIP_EXPIRED"


def test_staff_cannot_scan_and_anonymous_callers_are_refused(api, staff, code):
    assert api.post("/scans", {"code": code}, token=staff.token).status_code == 403
    assert api.post("/scans", {"code": code}).status_code == 401


def test_scan_records_region_ip_and_position(api, member, code):
    response = scan(api, member, code, lat=23.1291, lon=113.2644)
    row = db.session.get(Scan, response.json["scan_id"])
    assert row.region_code == COMPLETE_PROFILE["region_code"]
    assert row.client_ip == "127.0.0.1"
    assert float(row.lat) == pytest.approx(23.1291) and float(row.lon) == pytest.approx(113.2644)


def test_points_per_pack_and_level_multiplier_multiply(api, member, app):
    from app.members.models import MemberLevel

    with transaction():
        db.session.add(MemberLevel(code="gold-x", name="金卡", min_points=0, multiplier="1.50"))
        db.session.flush()
        db.session.get(Member, member.id).level_code = "gold-x"
    p = make_product(sku="SKU-3", name="芙蓉王(蓝)", points_per_pack=3)
    b = batches.create_generated(sku=p.sku, count=2)
    assert scan(api, member, next(batches.generated_codes(b))).json["points_awarded"] == 4  # floor(3 × 1.5)


def test_idempotent_replay_returns_the_first_answer_without_a_second_credit(api, member, codes):
    first, second = codes(2)
    headers = {"Idempotency-Key": "scan-1"}
    a = scan(api, member, first, headers=headers)
    b = scan(api, member, first, headers=headers)
    assert a.status_code == b.status_code == 201 and a.json == b.json
    assert b.headers.get("Idempotent-Replayed") == "true"
    reused = scan(api, member, second, headers=headers)
    assert reused.status_code == 422 and reused.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert count(LedgerEntry) == 1


@pytest.mark.parametrize("key", ["", "k" * 65])
def test_an_empty_or_overlong_idempotency_key_is_refused_and_credits_nothing(api, member, codes, key):
    refused = scan(api, member, codes(1)[0], headers={"Idempotency-Key": key})
    assert refused.status_code == 422 and refused.json["error"]["fields"]["Idempotency-Key"] == ["长度须为 1 到 64 个字符。"]
    assert count(LedgerEntry) == 0


def test_a_remembered_business_error_replays_byte_for_byte(api, member, codes):
    code = codes(1)[0]
    assert scan(api, member, code).status_code == 201
    first = scan(api, member, code, headers={"Idempotency-Key": "again"})
    replay = scan(api, member, code, headers={"Idempotency-Key": "again"})
    assert first.status_code == replay.status_code == 409 and replay.headers["Idempotent-Replayed"] == "true"
    assert first.get_data() == replay.get_data()


def test_daily_cap_refuses_the_scan_past_it_until_shanghai_midnight(app, api, member, codes):
    app.config["SCAN_DAILY_CAP"] = 3
    many = codes(4)
    for c in many[:3]:
        assert scan(api, member, c).status_code == 201
    refused = scan(api, member, many[3])
    assert refused.status_code == 429 and refused.json["error"]["code"] == "SCAN_LIMIT"
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    assert count(Scan) == 3


def test_daily_cap_counts_by_the_shanghai_day(app, member, codes):
    from app.codes.service import ScanLimit, scan_code

    app.config["SCAN_DAILY_CAP"] = 1
    c1, c2, c3 = codes(3)
    # 15:59 UTC is 23:59 in Shanghai; 16:01 UTC is the next Shanghai day.
    scan_code(member.id, c1, now=datetime(2026, 11, 20, 15, 59, tzinfo=timezone.utc))
    scan_code(member.id, c2, now=datetime(2026, 11, 20, 16, 1, tzinfo=timezone.utc))
    with pytest.raises(ScanLimit):
        scan_code(member.id, c3, now=datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc))


def test_too_many_invalid_codes_pause_scanning_for_the_member(app, api, member, other_member, code):
    app.config.update(SCAN_INVALID_LIMIT="3 per hour", SCAN_INVALID_LIMIT_PER_IP="3 per hour")
    for _ in range(3):
        assert scan(api, member, forged(code)).status_code == 404
    paused = scan(api, member, code)  # even a good code waits
    assert paused.status_code == 429 and paused.json["error"]["code"] == "TOO_MANY_INVALID"
    assert int(paused.headers["Retry-After"]) > 0
    # The same address is over its budget too; another member elsewhere is not affected.
    elsewhere = api.post("/scans", {"code": code}, token=other_member.token,
                         environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 201


def test_too_many_invalid_codes_from_one_address_pause_that_address(app, api, make_member, code):
    app.config["SCAN_INVALID_LIMIT_PER_IP"] = "2 per hour"
    a, b, c = make_member(), make_member(), make_member()
    assert scan(api, a, forged(code)).status_code == 404
    assert scan(api, b, "ZZZZ").status_code == 422
    response = scan(api, c, code)
    assert response.status_code == 429 and response.json["error"]["code"] == "TOO_MANY_INVALID"


def test_my_scans_lists_own_scans_newest_first_with_masked_codes(api, member, other_member, codes):
    mine = codes(3)
    for c in mine:
        scan(api, member, c)
    scan(api, other_member, codes(1, start=10)[0])
    page = api.get("/me/scans?per_page=2", token=member.token).json
    assert page["total"] == 3 and page["per_page"] == 2 and len(page["items"]) == 2
    newest = page["items"][0]
    compact = mine[-1].replace("-", "")
    assert newest["code"] == f"{compact[:4]}****{compact[-4:]}"
    assert compact not in str(page)
    assert set(newest) == {"scan_id", "code", "product", "points_awarded", "created_at"}


def test_me_points_shows_the_scan_credit(api, member, code):
    scan(api, member, code)
    items = api.get("/me/points", token=member.token).json["items"]
    assert [(i["kind"], i["delta"], i["balance_after"]) for i in items] == [("scan", 1, 1)]


def test_subscribers_run_inside_the_credit_and_a_failure_undoes_it(app, member, code):
    from app.codes.service import scan_code
    from app.points import hooks

    def boom(member_id, scan, now):
        assert db.session.get(Scan, scan.id) is not None  # the claim is there, in the same transaction
        raise RuntimeError("subscriber failed")

    hooks._scan_subscribers.append(boom)
    try:
        with pytest.raises(RuntimeError):
            scan_code(member.id, code)
    finally:
        hooks._scan_subscribers.remove(boom)
    db.session.rollback()
    assert count(Scan) == 0 and count(LedgerEntry) == 0
    assert db.session.get(Member, member.id).points_balance == 0 == ledger_sum(member.id)
    assert scan_code(member.id, code).points_awarded == 1  # the code is still creditable


def test_a_rate_limited_scan_can_be_retried_with_the_same_idempotency_key(app, api, member, codes):
    app.config["SCAN_DAILY_CAP"] = 1
    first, second = codes(2)
    assert scan(api, member, first).status_code == 201
    headers = {"Idempotency-Key": "retry-after-cap"}
    assert scan(api, member, second, headers=headers).status_code == 429
    app.config["SCAN_DAILY_CAP"] = 2  # as if the next day had come
    assert scan(api, member, second, headers=headers).status_code == 201
