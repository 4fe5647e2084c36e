"""Issue 16, hole 5: a JSON integer literal longer than Python's 4 300-digit limit is a malformed body (400),
not a 500, on every door: public, member, staff and admin."""
import pytest

HUGE = "9" * 5000


def _post(client, path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("where", ["value", "nested", "list", "negative"])
def test_a_huge_integer_in_the_login_body_is_malformed_json(client, where):
    body = {"value": f'{{"phone": "13800138000", "password": {HUGE}}}',
            "nested": f'{{"phone": "13800138000", "password": "x", "extra": {{"a": [1, {HUGE}]}}}}',
            "list": f"[{HUGE}]",
            "negative": f'{{"phone": -{HUGE}, "password": "x"}}'}[where]
    response = _post(client, "/api/v1/auth/login", body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "MALFORMED_JSON"


def test_a_huge_integer_is_malformed_json_for_members_staff_and_admins(client, member, staff, admin):
    for path, token in (("/api/v1/complaints", member.token), ("/api/v1/staff/redemptions/fulfil", staff.token),
                        ("/api/v1/admin/earning-rules", admin.token)):
        response = _post(client, path, f'{{"value": {HUGE}}}', token)
        assert response.status_code == 400 and response.json["error"]["code"] == "MALFORMED_JSON", path


def test_integers_under_the_limit_still_reach_the_schema(client, member):
    response = _post(client, "/api/v1/complaints", '{"kind": "quality", "content": "x", "product_id": %s}'
                     % ("9" * 4300), member.token)
    assert response.status_code == 422 and "product_id" in response.json["error"]["fields"]


def test_a_body_less_call_with_a_json_content_type_still_works(client, member):
    assert _post(client, "/api/v1/auth/logout", "", member.token).status_code == 204
