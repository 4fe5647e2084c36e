"""The served document is valid OpenAPI 3 and typed all the way down; a 422 names every bad field at once;
PATCH /me takes back what GET /me gives."""
import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from .. import factories
from ..factories import create_product, create_retailer, create_staff


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def test_the_document_is_valid_openapi_3(spec):
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in OpenAPIV30SpecValidator(spec).iter_errors()]
    assert errors == []


def _untyped_objects(node, path=""):
    """Paths of schemas that say `object` but not what is in it."""
    if isinstance(node, dict):
        if node.get("type") == "object" and not {"properties", "additionalProperties"} & node.keys():
            if not node.get("nullable"):  # the null branch apispec adds beside a nullable $ref
                yield path
        for key, value in node.items():
            yield from _untyped_objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _untyped_objects(value, f"{path}[{i}]")


def test_every_schema_is_typed_all_the_way_down(spec):
    assert list(_untyped_objects(spec)) == []
    schemas = spec["components"]["schemas"]
    assert schemas["Member"]["properties"]["profile"] == {"$ref": "#/components/schemas/Profile"}
    assert "region_code" in schemas["Profile"]["properties"]
    assert schemas["Redemption"]["properties"]["delivery"] == {"$ref": "#/components/schemas/DeliveryOut"}
    details = schemas["ErrorBody"]["properties"]
    assert {"by_you", "distance_m", "visit_id", "reason", "fields"} <= details.keys()
    page = schemas["GiftPage"]
    assert page["required"] == ["items", "page", "per_page", "total"] or {"items", "total"} <= set(page["required"])


def test_every_operation_has_a_unique_readable_id(spec):
    ids = [op["operationId"] for ops in spec["paths"].values() for method, op in ops.items()
           if method in {"get", "post", "put", "patch", "delete"}]
    assert len(ids) == len(set(ids))
    assert "sign_up" in ids and "scan" in ids and "check_in" in ids


def test_multipart_routes_are_openapi_3_request_bodies(spec):
    for path in ("/api/v1/admin/code-batches/import", "/api/v1/admin/retailers/import",
                 "/api/v1/staff/visits/{visit_id}/checkout"):
        operation = spec["paths"][path]["post"]
        assert all(p["in"] != "formData" for p in operation.get("parameters", []))
        assert "multipart/form-data" in operation["requestBody"]["content"], path


def test_nullable_enums_list_null_among_their_values(spec):
    category = spec["components"]["schemas"]["Profile"]["properties"]["preferred_category"]
    assert category["nullable"] is True and None in category["enum"]


def test_a_sign_up_with_seven_bad_fields_reports_all_seven(api):
    response = api.post("/members", {"phone": "123", "password": "x", "real_name": "1",
                                     "id_number": "110101199001011231", "consent": False,
                                     "referral_code": "NOSUCH"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"phone", "password", "real_name", "id_number", "consent",
                                                     "referral_code", "sms_code"}


def test_a_redemption_reports_field_and_cross_field_errors_together(api, member):
    response = api.post("/redemptions", {"gift_id": 0, "quantity": 0,
                                         "delivery": {"method": "post", "phone": "12"}}, token=member.token)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert {"gift_id", "quantity", "delivery"} <= fields.keys()
    delivery = " ".join(fields["delivery"])
    assert "name" in delivery and "address" in delivery and "phone" in delivery
    assert delivery.count("phone") == 1  # the bad phone is reported as bad, not also as missing


def test_a_visit_plan_reports_unknown_references_with_the_other_bad_fields(api, app):
    admin = create_staff(role="admin")
    response = api.post("/admin/visit-plans", {"staff_id": 999999, "retailer_id": 999999, "date": "yesterday"},
                        token=admin.token)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"staff_id", "retailer_id", "date"}


def test_a_complaint_reports_an_unknown_product_beside_a_bad_kind(api, member):
    response = api.post("/complaints", {"kind": "rant", "content": "", "product_id": 999999}, token=member.token)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"kind", "content", "product_id"}


def test_patch_me_takes_back_the_nested_profile_get_me_returns(api, make_member):
    member = make_member(complete_profile=False)
    shown = api.get("/me", token=member.token).json
    profile = {**shown["profile"], "region_code": "440106", "price_tier": "high"}
    response = api.patch("/me", {"profile": profile}, token=member.token)
    assert response.status_code == 200, response.json
    assert response.json["profile"]["region_code"] == "440106" and response.json["profile"]["price_tier"] == "high"
    flat = api.patch("/me", {"occupation": "retired"}, token=member.token)
    assert flat.status_code == 200 and flat.json["profile"]["occupation"] == "retired"
    assert flat.json["profile"]["price_tier"] == "high"


def test_patch_me_refuses_one_field_given_twice_differently_and_changes_nothing(api, member):
    before = api.get("/me", token=member.token).json["profile"]
    response = api.patch("/me", {"price_tier": "low", "profile": {"price_tier": "high", "occupation": "bogus"}},
                         token=member.token)
    assert response.status_code == 422
    assert "price_tier" in response.json["error"]["fields"] and "profile" in response.json["error"]["fields"]
    assert api.get("/me", token=member.token).json["profile"] == before


def test_observations_name_the_bad_item(api, app):
    staff = create_staff()
    retailer = create_retailer()
    visit = api.post("/staff/visits", {"retailer_id": retailer.id, "lat": factories.GUANGZHOU_TIANHE[0],
                                       "lon": factories.GUANGZHOU_TIANHE[1]}, token=staff.token).json
    product = create_product()
    response = api.post(f"/staff/visits/{visit['id']}/observations",
                        [{"product_id": product.id, "stock_packs": -1}, {"product_id": 999999, "stock_packs": 1}],
                        token=staff.token)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"0", "1"}  # both items, in one answer
