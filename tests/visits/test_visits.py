import io
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from app.extensions import db
from app.observations.models import Observation
from app.observations.service import iso_week
from app.retailers.geo import EARTH_RADIUS_M
from app.timeutil import local_today
from app.visits import service

from ..conftest import requires_postgres, run_concurrently
from ..factories import GUANGZHOU_TIANHE, create_product, create_retailer, create_staff

LAT, LON = GUANGZHOU_TIANHE


def north_of(metres, lat=LAT, lon=LON):
    """A point `metres` due north: along a meridian the great-circle distance is exact."""
    return lat + math.degrees(metres / EARTH_RADIUS_M), lon


def check_in(api, who, retailer, metres=10, **extra):
    lat, lon = north_of(metres, float(retailer.lat), float(retailer.lon))
    return api.post("/staff/visits", {"retailer_id": retailer.id, "lat": lat, "lon": lon, **extra}, token=who.token)


def png(colour="red", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("metres, accepted", [(0, True), (199, True), (201, False), (5000, False)])
def test_check_in_radius_edges(api, staff, metres, accepted):
    response = check_in(api, staff, create_retailer(), metres)
    if accepted:
        assert response.status_code == 201, response.json
        assert response.json["status"] == "open" and response.json["distance_m"] == metres
    else:
        assert response.status_code == 422
        error = response.json["error"]
        assert error["code"] == "TOO_FAR" and error["distance_m"] == metres and error["radius_m"] == 200


def test_check_in_radius_is_configurable(app, api, staff):
    app.config["CHECKIN_RADIUS_M"] = 50
    retailer = create_retailer()
    assert check_in(api, staff, retailer, 60).json["error"]["code"] == "TOO_FAR"
    assert check_in(api, staff, retailer, 40).status_code == 201


def test_one_open_visit_per_staff_member(api, staff):
    first = check_in(api, staff, create_retailer())
    second = check_in(api, staff, create_retailer())
    assert second.status_code == 409 and second.json["error"]["code"] == "VISIT_OPEN"
    assert second.json["error"]["visit_id"] == first.json["id"]  # the app can offer to close that one
    api.post(f"/staff/visits/{first.json['id']}/checkout", {"notes": "ok"}, token=staff.token)
    assert check_in(api, staff, create_retailer()).status_code == 201


def test_store_without_coordinates_cannot_be_checked_into(api, staff):
    response = api.post("/staff/visits", {"retailer_id": create_retailer(lat=None, lon=None).id, "lat": LAT,
                                          "lon": LON}, token=staff.token)
    assert response.status_code == 422 and response.json["error"]["code"] == "RETAILER_NOT_LOCATED"


def test_observations_are_recorded_for_the_visits_store_and_week(api, staff):
    retailer, a, b = create_retailer(), create_product(), create_product()
    visit = check_in(api, staff, retailer).json
    response = api.post(f"/staff/visits/{visit['id']}/observations", [
        {"product_id": a.id, "pack_price": "26.00", "carton_price": "250", "stock_packs": 12, "ordered_packs": 20,
         "out_of_stock": False},
        {"product_id": b.id, "pack_price": 10, "carton_price": None, "stock_packs": 0, "ordered_packs": 0,
         "out_of_stock": True},
    ], token=staff.token)
    assert response.status_code == 201, response.json
    items = response.json["items"]
    assert items[0]["pack_price"] == "26.00" and items[0]["carton_price"] == "250.00"
    assert items[0]["demand_packs"] == 20 and items[1]["out_of_stock"] is True
    rows = db.session.query(Observation).order_by(Observation.id).all()
    assert [(r.retailer_id, r.visit_id, r.channel, r.week) for r in rows] == \
        [(retailer.id, visit["id"], "visit", iso_week(local_today()))] * 2


def test_bad_observations_change_nothing(api, staff):
    product = create_product()
    visit = check_in(api, staff, create_retailer()).json
    url = f"/staff/visits/{visit['id']}/observations"
    bad_values = api.post(url, [{"product_id": product.id, "stock_packs": -1, "pack_price": "-3"}], token=staff.token)
    assert bad_values.status_code == 422
    unknown = api.post(url, [{"product_id": product.id, "stock_packs": 1}, {"product_id": 99999, "stock_packs": 1}],
                       token=staff.token)
    assert unknown.status_code == 422 and "product_id" in unknown.json["error"]["fields"]["1"][0]
    assert api.post(url, [], token=staff.token).status_code == 422
    assert db.session.query(Observation).count() == 0


def test_checkout_with_photos_records_duration_and_closes_the_visit(app, api, staff):
    retailer = create_retailer()
    t0 = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    visit = service.check_in(staff_id=staff.id, retailer_id=retailer.id, lat=LAT, lon=LON, now=t0)
    service.check_out(staff_id=staff.id, visit_id=visit.id, notes="陈列良好", photos=[png()], now=t0 + timedelta(minutes=25))
    done = api.get(f"/staff/visits/{visit.id}", token=staff.token).json
    assert done["status"] == "closed" and done["duration_s"] == 1500 and done["notes"] == "陈列良好"
    assert len(done["photo_urls"]) == 1
    stored = Path(app.config["UPLOAD_DIR"]) / urlsplit(done["photo_urls"][0]).path.removeprefix("/media/")
    assert Image.open(stored).format == "JPEG"


def test_checkout_multipart_and_second_checkout_is_visit_closed(api, staff):
    visit = check_in(api, staff, create_retailer()).json
    url = f"/staff/visits/{visit['id']}/checkout"
    data = {"notes": "柜台缺货", "photos": [(io.BytesIO(png("blue")), "a.png", "image/png"),
                                        (io.BytesIO(png("green")), "b.png", "image/png")]}
    response = api.post(url, token=staff.token, data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["notes"] == "柜台缺货" and len(response.json["photo_urls"]) == 2
    again = api.post(url, {"notes": "again"}, token=staff.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "VISIT_CLOSED"
    late = api.post(f"/staff/visits/{visit['id']}/observations", [{"product_id": create_product().id,
                                                                    "stock_packs": 1}], token=staff.token)
    assert late.status_code == 409 and late.json["error"]["code"] == "VISIT_CLOSED"


def test_checkout_refuses_seven_photos_and_bad_images_and_the_visit_stays_open(api, staff):
    visit = check_in(api, staff, create_retailer()).json
    url = f"/staff/visits/{visit['id']}/checkout"
    seven = {"notes": "x", "photos": [(io.BytesIO(png()), f"{i}.png", "image/png") for i in range(7)]}
    assert api.post(url, token=staff.token, data=seven, content_type="multipart/form-data").status_code == 422
    bad = {"notes": "x", "photos": [(io.BytesIO(b"not an image"), "x.jpg", "image/jpeg")]}
    response = api.post(url, token=staff.token, data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["error"]["code"] == "BAD_IMAGE"
    assert api.get(f"/staff/visits/{visit['id']}", token=staff.token).json["status"] == "open"


def test_staff_never_reach_another_staff_members_visits_but_admins_see_all(api, staff, admin):
    other = create_staff()
    product = create_product()
    mine = check_in(api, staff, create_retailer()).json
    theirs = check_in(api, other, create_retailer()).json
    assert api.get(f"/staff/visits/{theirs['id']}", token=staff.token).status_code == 404
    assert api.post(f"/staff/visits/{theirs['id']}/observations", [{"product_id": product.id, "stock_packs": 1}],
                    token=staff.token).status_code == 404
    assert api.post(f"/staff/visits/{theirs['id']}/checkout", {"notes": "x"}, token=staff.token).status_code == 404
    assert [v["id"] for v in api.get("/staff/visits", token=staff.token).json["items"]] == [mine["id"]]
    listed = api.get("/admin/visits", token=admin.token).json
    assert {v["id"] for v in listed["items"]} == {mine["id"], theirs["id"]}
    assert api.get(f"/admin/visits/{theirs['id']}", token=admin.token).status_code == 200


def test_plans_link_to_visits_and_feed_the_weekly_summary(api, staff, admin):
    planned, skipped, extra = create_retailer(), create_retailer(), create_retailer()
    today = local_today().isoformat()
    for retailer in (planned, skipped):
        created = api.post("/admin/visit-plans", {"staff_id": staff.id, "retailer_id": retailer.id, "date": today},
                           token=admin.token)
        assert created.status_code == 201, created.json
    duplicate = api.post("/admin/visit-plans", {"staff_id": staff.id, "retailer_id": planned.id, "date": today},
                         token=admin.token)
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "PLAN_EXISTS"
    own = api.get("/staff/visit-plans", token=staff.token).json["items"]
    assert {p["retailer"]["id"] for p in own} == {planned.id, skipped.id}
    for retailer in (planned, extra):
        visit = check_in(api, staff, retailer).json
        api.post(f"/staff/visits/{visit['id']}/checkout", {"notes": "done"}, token=staff.token)
    summary = api.get(f"/admin/visit-plans/summary?week={iso_week(local_today())}", token=admin.token).json
    assert summary["items"] == [{"staff_id": staff.id, "name": staff.user.name, "planned": 2, "planned_visited": 1,
                                 "visits": 2, "unplanned_visits": 1, "completion_rate": 0.5}]


def test_a_plan_of_another_staff_member_is_not_found(api, staff, admin):
    other = create_staff()
    retailer = create_retailer()
    plan = api.post("/admin/visit-plans", {"staff_id": other.id, "retailer_id": retailer.id,
                                           "date": local_today().isoformat()}, token=admin.token).json
    response = check_in(api, staff, retailer, planned_visit_id=plan["id"])
    assert response.status_code == 404


@requires_postgres
def test_concurrent_check_ins_open_exactly_one_visit(app, staff):
    retailer_ids = [create_retailer().id for _ in range(8)]  # plain ids: threads must not touch this session
    staff_id = staff.id

    def attempt(i):
        try:
            service.check_in(staff_id=staff_id, retailer_id=retailer_ids[i], lat=LAT, lon=LON)
            return "ok"
        except service.VisitOpen:
            return "open"

    results = run_concurrently(app, attempt, 8)
    assert sorted(results) == ["ok"] + ["open"] * 7


def test_errors_speak_chinese_by_default(api, staff):
    response = check_in(api, staff, create_retailer(), 500)
    assert response.json["error"]["message"] == "距离门店太远，无法签到。"


def test_absurd_ids_are_404_or_422_not_500(api, staff, admin):
    huge = 2**40
    assert api.get(f"/staff/visits/{huge}", token=staff.token).status_code == 404
    assert api.post("/staff/visits", {"retailer_id": huge, "lat": LAT, "lon": LON}, token=staff.token).status_code == 422
    assert api.post("/admin/visit-plans", {"staff_id": huge, "retailer_id": 1, "date": "2026-11-23"},
                    token=admin.token).status_code == 422


def test_a_plan_is_visited_once(api, staff, admin):
    retailer = create_retailer()
    plan = api.post("/admin/visit-plans", {"staff_id": staff.id, "retailer_id": retailer.id,
                                           "date": local_today().isoformat()}, token=admin.token).json
    visit = check_in(api, staff, retailer, planned_visit_id=plan["id"]).json
    assert visit["planned_visit_id"] == plan["id"]
    api.post(f"/staff/visits/{visit['id']}/checkout", {"notes": "ok"}, token=staff.token)
    again = check_in(api, staff, retailer, planned_visit_id=plan["id"])
    assert again.status_code == 409 and again.json["error"]["code"] == "PLAN_VISITED"
    unplanned = check_in(api, staff, retailer)  # today's plan is done: a new visit links to none
    assert unplanned.status_code == 201 and unplanned.json["planned_visit_id"] is None
