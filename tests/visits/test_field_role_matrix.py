"""Role × endpoint matrix for the field-marketing API: a missing token is 401, a wrong role 403, and the right
role gets past the gate (whatever the endpoint then answers)."""
import pytest

STAFF = [
    ("GET", "/staff/retailers"), ("POST", "/staff/visits"), ("GET", "/staff/visits"), ("GET", "/staff/visits/1"),
    ("POST", "/staff/visits/1/observations"), ("POST", "/staff/visits/1/checkout"), ("GET", "/staff/visit-plans"),
    ("GET", "/staff/stock"), ("POST", "/staff/stock-movements"), ("GET", "/staff/stock-movements"),
    ("GET", "/staff/stock-movements/1"), ("GET", "/staff/activities"), ("GET", "/staff/activities/1"),
    ("POST", "/staff/activities/1/records"), ("GET", "/staff/activities/1/records"),
]
ADMIN = [
    ("POST", "/admin/retailers"), ("GET", "/admin/retailers"), ("GET", "/admin/retailers/1"),
    ("PATCH", "/admin/retailers/1"), ("POST", "/admin/activities/1/cancel"),
    ("POST", "/admin/retailers/import"), ("POST", "/admin/visit-plans"), ("GET", "/admin/visit-plans"),
    ("GET", "/admin/visit-plans/summary?week=2026-W47"), ("GET", "/admin/visits"), ("GET", "/admin/visits/1"),
    ("POST", "/admin/promo-items"), ("GET", "/admin/promo-items"), ("POST", "/admin/promo-items/1/inbound"),
    ("GET", "/admin/promo-stock"), ("GET", "/admin/promo-stock/audit"), ("GET", "/admin/promo-movements"),
    ("POST", "/admin/promo-plans"), ("GET", "/admin/promo-plans"), ("PATCH", "/admin/promo-plans/1"),
    ("DELETE", "/admin/promo-plans/1"), ("POST", "/admin/activities"),
    ("GET", "/admin/activities"), ("GET", "/admin/activities/1/records"), ("GET", "/admin/activities/1/effect"),
]


def _call(api, method, path, token=None):
    return api._call(method, path, token=token)  # no body: the media-type guard must not answer first


@pytest.mark.parametrize("method, path", STAFF + ADMIN)
def test_no_token_is_401(api, method, path):
    assert _call(api, method, path).status_code == 401


@pytest.mark.parametrize("method, path", STAFF + ADMIN)
def test_members_are_403(api, member, method, path):
    assert _call(api, method, path, member.token).status_code == 403


@pytest.mark.parametrize("method, path", ADMIN)
def test_staff_are_403_on_admin_endpoints(api, staff, method, path):
    assert _call(api, method, path, staff.token).status_code == 403


@pytest.mark.parametrize("method, path", STAFF + ADMIN)
def test_admins_pass_the_gate_everywhere(api, admin, method, path):
    assert _call(api, method, path, admin.token).status_code not in (401, 403, 500)


@pytest.mark.parametrize("method, path", STAFF)
def test_staff_pass_the_gate_on_staff_endpoints(api, staff, method, path):
    assert _call(api, method, path, staff.token).status_code not in (401, 403, 500)
