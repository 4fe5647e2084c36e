"""Object access, proven over every route that takes an id: a member never reaches another member's
redemption, a staff member never another's visit, movement or activity (404, as if it did not exist).

Like the role matrix, the routes come from the URL map: a new route with an id parameter fails here until it
says whether its object belongs to a caller (OWNED) or is shared catalogue data every caller of the role sees."""
import re

import pytest

from app.activities.service import create_activity
from app.promo import service as promo
from app.redemptions import service as redemptions
from app.timeutil import local_today
from app.visits import service as visits

from ..factories import create_gift, create_member, create_product, create_retailer, create_staff, grant_points

SHARED = {"product_id", "batch_id", "gift_id"}  # catalogue rows: any caller of the route's role may read them


def _redemption(owner, admin):
    gift = create_gift(points_cost=10, stock=5)
    grant_points(owner.id, 100)
    return redemptions.redeem(owner.id, gift.id, 1, {"method": "pickup"})[0].id


def _visit(owner, admin):
    retailer = create_retailer()
    return visits.check_in(staff_id=owner.id, retailer_id=retailer.id, lat=float(retailer.lat),
                           lon=float(retailer.lon)).id


def _movement(owner, admin):
    item = promo.create_item(name="打火机", unit="个", unit_cost="2.50")
    promo.inbound(item_id=item.id, quantity=10, recorded_by=admin.id)
    return promo.move(staff_id=owner.id, kind="requisition", item_id=item.id, quantity=3).id


def _activity(owner, admin):
    today = local_today()
    return create_activity({"name": "品鉴会", "type": "tasting", "region_code": "440106", "starts_on": today,
                            "ends_on": today, "item_budget": "100.00", "standard": "30人",
                            "product_ids": [create_product().id], "retailer_ids": [create_retailer().id],
                            "staff_ids": [owner.id]}, created_by=admin.id).id


# A valid body for each POST, so the answer is about the object, not the body.
BODIES = {"/observations": lambda: [{"product_id": create_product().id, "stock_packs": 1}],
          "/checkout": lambda: {"notes": "到此一游"}, "/records": lambda: {"note": "到场30人"}}
OWNED = {"redemption_id": _redemption, "visit_id": _visit, "movement_id": _movement, "activity_id": _activity}


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "_access", None)
        params = [p for p in rule.arguments if p.endswith("_id")]
        if rule.rule.startswith("/api/") and params and access != "public" and access & {"member", "staff"}:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method, params[0], access


def test_every_route_with_an_id_says_whose_object_it_is(app):
    unclassified = {f"{m} {r.rule}" for r, m, p, _ in _id_routes(app) if p not in OWNED and p not in SHARED}
    assert unclassified == set(), "add the id to OWNED (with a maker) or SHARED"


@pytest.fixture
def people(app):
    return {"member": create_member(), "other_member": create_member(), "staff": create_staff(),
            "other_staff": create_staff(), "admin": create_staff(role="admin")}


def test_another_callers_object_is_not_found_on_every_route(app, client, people):
    checked, made = [], {}
    for rule, method, param, access in _id_routes(app):
        if param in SHARED:
            continue
        role = "member" if "member" in access else "staff"
        owner, intruder = people[role], people[f"other_{role}"]
        if param not in made:  # one object per kind: an intruder's 404 changes nothing, so it can be reused
            made[param] = OWNED[param](owner, people["admin"])
        object_id = made[param]
        url = re.sub(r"<(?:[^:>]+:)?[^>]+>", str(object_id), rule.rule)
        body = next((make() for suffix, make in BODIES.items() if url.endswith(suffix)), None)
        response = client.open(url, method=method, headers=intruder.headers, json=body)
        assert response.status_code == 404, f"{intruder} {method} {url} → {response.status_code}"
        mine = client.open(url, method="GET", headers=owner.headers) if method == "GET" else None
        assert mine is None or mine.status_code == 200, f"owner GET {url} → {mine.status_code}"
        checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 9
