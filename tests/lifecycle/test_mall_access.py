"""Role × endpoint matrix for the points mall and member lifecycle routes (deny by default).

Every route of these blueprints must appear here: a new route without a row fails the last test.
"""
import pytest

MEMBER, STAFF, ADMIN = "member", "staff", "admin"
MATRIX = [
    ("GET", "/gifts", {MEMBER}),
    ("GET", "/gifts/1", {MEMBER}),
    ("POST", "/admin/gifts", {ADMIN}),
    ("GET", "/admin/gifts", {ADMIN}),
    ("GET", "/admin/gifts/1", {ADMIN}),
    ("PATCH", "/admin/gifts/1", {ADMIN}),
    ("POST", "/admin/gifts/1/retire", {ADMIN}),
    ("POST", "/admin/gifts/1/stock", {ADMIN}),
    ("GET", "/admin/gifts/1/stock-moves", {ADMIN}),
    ("PUT", "/admin/gifts/1/image", {ADMIN}),
    ("POST", "/redemptions", {MEMBER}),
    ("GET", "/redemptions", {MEMBER}),
    ("GET", "/redemptions/1", {MEMBER}),
    ("POST", "/redemptions/1/cancel", {MEMBER}),
    ("GET", "/redemptions/1/qr.png", {MEMBER}),
    ("POST", "/staff/redemptions/fulfil", {STAFF, ADMIN}),
    ("GET", "/admin/redemptions", {ADMIN}),
    ("GET", "/admin/redemptions/1", {ADMIN}),
    ("POST", "/admin/redemptions/1/ship", {ADMIN}),
    ("POST", "/admin/redemptions/1/cancel", {ADMIN}),
    ("GET", "/admin/levels", {ADMIN}),
    ("POST", "/admin/levels", {ADMIN}),
    ("PATCH", "/admin/levels/gold", {ADMIN}),
    ("DELETE", "/admin/levels/gold", {ADMIN}),
    ("POST", "/admin/members/1/level", {ADMIN}),
    ("GET", "/admin/members/1/level-changes", {ADMIN}),
    ("POST", "/admin/members/1/validity", {ADMIN}),
    ("GET", "/admin/members/1/validity-changes", {ADMIN}),
    ("POST", "/complaints", {MEMBER}),
    ("GET", "/complaints", {MEMBER}),
    ("GET", "/admin/complaints", {ADMIN}),
    ("GET", "/admin/complaints/1", {ADMIN}),
    ("POST", "/admin/complaints/1/assign", {ADMIN}),
    ("POST", "/admin/complaints/1/answer", {ADMIN}),
    ("POST", "/admin/complaints/1/resolve", {ADMIN}),
    ("POST", "/admin/complaints/1/reject", {ADMIN}),
    ("GET", "/me/points/summary", {MEMBER}),
]
BLUEPRINTS = ("gifts", "redemptions", "lifecycle", "complaints")


@pytest.mark.parametrize("method, path, allowed", MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
def test_each_role_gets_only_its_routes(api, member, staff, admin, method, path, allowed):
    assert api._call(method, path).status_code == 401
    for role, handle in ((MEMBER, member), (STAFF, staff), (ADMIN, admin)):
        status = api._call(method, path, token=handle.token).status_code
        if role in allowed:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)


def test_every_mall_route_is_in_the_matrix(app):
    listed = {(m, p.replace("/1", "/<int>").replace("/gold", "/<code>")) for m, p, _ in MATRIX}
    seen = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in BLUEPRINTS or rule.rule == "/api/v1/me/points/summary":
            path = rule.rule.removeprefix("/api/v1")
            path = path.replace("<int:gift_id>", "<int>").replace("<int:redemption_id>", "<int>")
            path = path.replace("<int:member_id>", "<int>").replace("<int:complaint_id>", "<int>")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, path) in listed, (method, path)
                seen.add((method, path))
    assert seen == listed
