"""Issue 16, hole 6: the limits and scopes that were missing — pickup-code guessing, complaint flooding, and
stock movements booked against activities not assigned to the staff member."""
from app.promo import service as promo
from app.promo.models import PromoMovement
from app.extensions import db

from ..activities.test_activities import holding, plan
from ..factories import create_gift, create_staff, grant_points
from ..redemptions.test_cancel_fulfil import _redeem


def test_guessing_pickup_codes_stops_paying_and_then_even_a_right_code_waits(app, api, member, staff):
    app.config["FULFIL_INVALID_LIMIT"] = "5 per hour"
    grant_points(member.id, 500)
    code = _redeem(api, member, create_gift())["pickup_code"]
    guesses = [api.post("/staff/redemptions/fulfil", {"pickup_code": f"ZZZZ{n:04d}"}, token=staff.token)
               for n in range(6)]
    assert [g.status_code for g in guesses] == [404] * 5 + [429]
    assert guesses[-1].json["error"]["code"] == "RATE_LIMITED" and int(guesses[-1].headers["Retry-After"]) > 0
    assert api.post("/staff/redemptions/fulfil", {"pickup_code": code}, token=staff.token).status_code == 429
    colleague = create_staff()  # the limit is the guesser's own: a colleague at the counter still hands it over
    handed = api.post("/staff/redemptions/fulfil", {"pickup_code": code}, token=colleague.token)
    assert handed.status_code == 200 and handed.json["status"] == "fulfilled"


def test_right_codes_do_not_count_against_the_staff_member(app, api, member, staff):
    app.config["FULFIL_INVALID_LIMIT"] = "1 per hour"
    grant_points(member.id, 1000)
    codes = [_redeem(api, member, create_gift())["pickup_code"] for _ in range(3)]
    assert [api.post("/staff/redemptions/fulfil", {"pickup_code": c}, token=staff.token).status_code
            for c in codes] == [200, 200, 200]


def test_a_member_cannot_flood_complaints(app, api, member, other_member):
    app.config["COMPLAINT_LIMIT_PER_MEMBER"] = "3 per day"
    body = {"kind": "complaint", "content": "烟支有断裂"}
    answers = [api.post("/complaints", body, token=member.token) for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json["error"]["code"] == "RATE_LIMITED" and int(answers[-1].headers["Retry-After"]) > 0
    assert api.get("/complaints", token=member.token).json["total"] == 3
    assert api.post("/complaints", body, token=other_member.token).status_code == 201  # per member


def test_the_default_complaint_limit_is_configured(app):
    assert app.config["COMPLAINT_LIMIT_PER_MEMBER"] and app.config["FULFIL_INVALID_LIMIT"]


def test_staff_cannot_book_movements_against_another_staff_members_activity(api, admin, staff):
    other = create_staff()
    mine, theirs = plan(api, admin, [staff.id]), plan(api, admin, [other.id])
    item = holding(admin, staff, 20)
    body = {"kind": "distribution", "item_id": item.id, "quantity": 5}
    refused = api.post("/staff/stock-movements", {**body, "activity_id": theirs["id"]}, token=staff.token)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "NOT_FOUND"
    unknown = api.post("/staff/stock-movements", {**body, "activity_id": 99999}, token=staff.token)
    assert unknown.status_code == 404 and unknown.json == refused.json  # another's looks like none at all
    assert db.session.query(PromoMovement).filter_by(activity_id=theirs["id"]).count() == 0
    assert promo.stock_of(staff.id)[0]["quantity"] == 20
    booked = api.post("/staff/stock-movements", {**body, "activity_id": mine["id"]}, token=staff.token)
    assert booked.status_code == 201 and booked.json["activity_id"] == mine["id"]
