"""Issue 16, hole 1: staff took points from any member by sending a member id with an exchange. An exchange now
needs the member's single-use member code (会员码), which only the member's app can show."""
from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from app.members import member_codes
from app.members.models import Member
from app.points.service import ledger_sum
from app.promo import service
from app.promo.models import PromoMovement

from ..conftest import requires_postgres, run_concurrently
from ..factories import create_staff
from .test_stock import code_of, give_points, make_item, my_quantity, stock_up


def _exchange(api, staff, item, token=None, headers=None, **fields):
    return api.post("/staff/stock-movements", {"kind": "exchange", "item_id": item.id, "quantity": 1, **fields},
                    token=token or staff.token, headers=headers)


def _balance(member_id):
    db.session.expire_all()
    return db.session.get(Member, member_id).points_balance


def _shop(admin, staff, member, points=100):
    item = make_item(points_cost=10)
    stock_up(admin, staff, item, held=5)
    give_points(member.id, points)
    return item


def _invalid(response):
    return (response.status_code == 422 and response.json["error"]["code"] == "MEMBER_CODE_INVALID"
            and list(response.json["error"]["fields"]) == ["member_code"])


def test_the_old_attack_a_member_id_alone_is_refused_and_the_balance_is_unchanged(api, admin, staff, member):
    item = _shop(admin, staff, member)
    attack = _exchange(api, staff, item, member_id=member.id)
    assert attack.status_code == 422
    assert set(attack.json["error"]["fields"]) == {"member_id", "member_code"}
    assert _balance(member.id) == 100 == ledger_sum(member.id)
    assert my_quantity(api, staff, item.id) == 5
    assert db.session.query(PromoMovement).filter_by(kind="exchange").count() == 0


def test_a_member_id_beside_a_valid_code_is_refused_too_and_the_code_stays_usable(api, admin, staff, member,
                                                                                   other_member):
    item = _shop(admin, staff, member)
    code = code_of(api, other_member)
    refused = _exchange(api, staff, item, member_id=member.id, member_code=code)
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["member_id"]
    assert _balance(member.id) == 100


def test_the_member_shows_a_code_and_the_staff_member_exchanges_with_it_once(api, admin, staff, member):
    item = _shop(admin, staff, member)
    code = code_of(api, member)
    first = _exchange(api, staff, item, member_code=code)
    assert first.status_code == 201, first.json
    assert first.json["member_id"] == member.id and first.json["points"] == 10
    again = _exchange(api, staff, item, member_code=code)
    assert _invalid(again)
    other_staff = create_staff()
    assert _invalid(_exchange(api, staff, item, token=other_staff.token, member_code=code))
    assert _balance(member.id) == 90 == ledger_sum(member.id)
    assert my_quantity(api, staff, item.id) == 4


def test_a_code_is_typed_with_spaces_or_dashes(api, admin, staff, member):
    item = _shop(admin, staff, member)
    code = code_of(api, member)
    spaced = f"{code[:6]} {code[6:12]}-{code[12:]}"
    assert _exchange(api, staff, item, member_code=spaced).status_code == 201


def test_wrong_expired_and_replaced_codes_are_refused(api, admin, staff, member):
    item = _shop(admin, staff, member)
    assert _invalid(_exchange(api, staff, item, member_code="123456789012345678"))
    stale, _ttl = member_codes.issue(member.id, now=utcnow() - timedelta(seconds=61))
    assert _invalid(_exchange(api, staff, item, member_code=stale))
    replaced = code_of(api, member)
    latest = code_of(api, member)  # asking again replaces the unused code
    assert _invalid(_exchange(api, staff, item, member_code=replaced))
    assert _exchange(api, staff, item, member_code=latest).status_code == 201
    assert _balance(member.id) == 90


def test_a_failed_exchange_gives_the_code_back(api, admin, staff, member):
    item = _shop(admin, staff, member, points=5)
    code = code_of(api, member)
    poor = _exchange(api, staff, item, member_code=code)
    assert poor.status_code == 409 and poor.json["error"]["code"] == "INSUFFICIENT_POINTS"
    give_points(member.id, 5)
    assert _exchange(api, staff, item, member_code=code).status_code == 201  # consumed with the debit, not before
    assert _balance(member.id) == 0


def test_a_replayed_idempotency_key_answers_the_first_exchange_without_a_second_debit(api, admin, staff, member):
    item = _shop(admin, staff, member)
    code = code_of(api, member)
    headers = {"Idempotency-Key": "exchange-1"}
    first = _exchange(api, staff, item, member_code=code, headers=headers)
    second = _exchange(api, staff, item, member_code=code, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json == second.json
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert _balance(member.id) == 90 and my_quantity(api, staff, item.id) == 4


def test_only_an_exchange_takes_a_member_code(api, admin, staff, member):
    item = _shop(admin, staff, member)
    response = api.post("/staff/stock-movements", {"kind": "consumption", "item_id": item.id, "quantity": 1,
                                                   "member_code": code_of(api, member)}, token=staff.token)
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["member_code"]


def test_only_the_member_gets_a_member_code_and_no_cache_keeps_it(api, staff, admin, member):
    assert api.get("/me/member-code").status_code == 401
    assert api.get("/me/member-code", token=staff.token).status_code == 403
    assert api.get("/me/member-code", token=admin.token).status_code == 403
    response = api.get("/me/member-code", token=member.token)
    assert response.status_code == 200 and len(response.json["code"]) == 18 and response.json["code"].isdigit()
    assert "no-store" in response.headers["Cache-Control"]
    stored = db.session.query(member_codes.MemberCode).filter_by(member_id=member.id).one()
    assert response.json["code"] not in stored.code_hash  # only its hash is kept


def test_the_member_code_as_a_qr_png(api, admin, staff, member):
    item = _shop(admin, staff, member)
    earlier = code_of(api, member)
    response = api.get("/me/member-code/qr.png", token=member.token)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG") and response.headers["Member-Code-Expires-In"] == "60"
    assert "no-store" in response.headers["Cache-Control"]
    assert _invalid(_exchange(api, staff, item, member_code=earlier))  # the QR's code replaced it
    assert api.get("/me/member-code/qr.png", token=staff.token).status_code == 403


@requires_postgres
def test_one_code_raced_by_many_staff_is_used_exactly_once(app, admin, member):
    staff_ids = [create_staff().id for _ in range(8)]
    item = make_item(points_cost=10)
    service.inbound(item_id=item.id, quantity=100, recorded_by=admin.id)
    for staff_id in staff_ids:
        service.move(staff_id=staff_id, kind="requisition", item_id=item.id, quantity=2)
    give_points(member.id, 100)
    code, _ttl = member_codes.issue(member.id)
    item_id, member_id = item.id, member.id

    def exchange(i):
        try:
            service.move(staff_id=staff_ids[i], kind="exchange", item_id=item_id, quantity=1, member_code=code)
            return True
        except member_codes.MemberCodeInvalid:
            return False

    assert run_concurrently(app, exchange, len(staff_ids)).count(True) == 1
    assert _balance(member_id) == 90 == ledger_sum(member_id)
    assert db.session.query(PromoMovement).filter_by(kind="exchange").count() == 1
    assert service.audit() == []
