"""The served OpenAPI document is a contract real clients can be generated from.

openapi-python-client (a pinned dev dependency) generates a typed Python client from GET /api/v1/openapi.json,
with no warning and no skipped endpoint; the member's and the field staff's journeys then run through that
client only, over HTTP (httpx's WSGI transport into the app under test).
"""
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ..factories import GUANGZHOU_TIANHE, PASSWORD, create_staff, next_id_number, next_phone

CLI = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(app, client, tmp_path, request):
    """(package, make_client): the client generated from the document this app serves."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/api/v1/openapi.json").json), encoding="utf-8")
    (tmp_path / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")
    name = f"loyalty_client_{request.node.name}".replace("[", "_").replace("]", "_")
    out = subprocess.run([str(CLI), "generate", "--path", str(spec), "--output-path", str(tmp_path / name),
                          "--meta", "none", "--config", str(tmp_path / "config.yaml")],
                         capture_output=True, text=True, timeout=300)
    report = out.stdout + out.stderr
    assert out.returncode == 0, report
    assert "Warning" not in report and "skip" not in report.lower(), report  # every endpoint made it
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(name)
        transport = httpx.WSGITransport(app=app)

        def make_client(token=None):
            kwargs = {"base_url": "http://testserver", "httpx_args": {"transport": transport},
                      "raise_on_unexpected_status": True}
            if token is None:
                return package.Client(**kwargs)
            return package.AuthenticatedClient(token=token, **kwargs)

        yield (lambda module: importlib.import_module(f"{name}.{module}")), make_client
    finally:
        sys.path.remove(str(tmp_path))


def ok(response, status):
    assert response.status_code == status, response.content.decode()
    return response.parsed


def test_the_member_journey_runs_through_the_generated_client(generated):
    mod, make_client = generated
    models = mod("models")
    admin = create_staff(role="admin")
    admin_client = make_client(ok(mod("api.auth.staff_login").sync_detailed(
        client=make_client(), body=models.StaffLogin(username=admin.user.username, password=PASSWORD)), 200)
        .access_token)

    # What the operator prepares with the same client: a spec, a batch of codes, a gift.
    product = ok(mod("api.products.admin_create_product").sync_detailed(client=admin_client, body=models.ProductCreate(
        sku="6901028001540", name="中华(硬)", brand="中华", pack_price="45.00", carton_price="450.00",
        guide_price="45.00", wholesale_price="400.00", points_per_pack=5)), 201)
    batch = ok(mod("api.code_admin.create_batch").sync_detailed(
        client=admin_client, body=models.BatchCreate(sku=product.sku, count=3)), 201)
    csv = mod("api.code_admin.export_codes").sync_detailed(batch.id, client=admin_client)
    assert csv.status_code == 200
    codes = csv.content.decode().split()[1:]
    gift = ok(mod("api.gifts.admin_create_gift").sync_detailed(client=admin_client, body=models.GiftCreate(
        name="保温杯", category="生活用品", points_cost=5, stock=10)), 201)

    phone = next_phone()
    sent = ok(mod("api.sms.request_code").sync_detailed(client=make_client(), body=models.SmsCodeRequest(
        phone=phone, purpose=models.SmsCodeRequestPurpose.SIGNUP)), 202)
    assert sent.expires_in > 0
    outbox = ok(mod("api.sms.admin_outbox").sync_detailed(client=admin_client), 200)
    sms_code = re.search(r"\d{6}", next(m.text for m in outbox if m.phone == phone))[0]
    signed_up = ok(mod("api.members.sign_up").sync_detailed(client=make_client(), body=models.SignUp(
        phone=phone, password=PASSWORD, real_name="王五", id_number=next_id_number(), consent=True,
        sms_code=sms_code)), 201)
    assert signed_up.member.profile_complete is False
    member = make_client(signed_up.access_token)

    # Complete the profile with the nested shape GET /me returns.
    current = ok(mod("api.members.me").sync_detailed(client=member), 200)
    profile = current.profile
    profile.region_code, profile.preferred_category = "440106", models.ProfilePreferredCategoryType1.BLENDED
    profile.price_tier, profile.occupation = models.ProfilePriceTierType1.HIGH, models.ProfileOccupationType1.ENTERPRISE
    profile.income_band = models.ProfileIncomeBandType1.VALUE_3
    updated = ok(mod("api.members.update_me").sync_detailed(client=member, body=models.ProfileUpdate(
        profile=profile)), 200)
    assert updated.profile_complete is True and updated.profile.region_code == "440106"

    login = ok(mod("api.auth.member_login").sync_detailed(client=make_client(), body=models.MemberLogin(
        phone=phone, password=PASSWORD)), 200)
    member = make_client(login.access_token)
    scanned = ok(mod("api.scans.scan").sync_detailed(client=member, body=models.ScanBody(code=codes[0])), 201)
    assert scanned.points_awarded == 5 and scanned.product.name == "中华(硬)"
    again = mod("api.scans.scan").sync_detailed(client=member, body=models.ScanBody(code=codes[0]))
    assert again.status_code == 409 and again.parsed.error.code == "CODE_ALREADY_USED"
    assert again.parsed.error.by_you is True  # the named detail is typed

    mall = ok(mod("api.gifts.list_gifts").sync_detailed(client=member, affordable=True), 200)
    assert [g.id for g in mall.items] == [gift.id]
    redemption = ok(mod("api.redemptions.redeem").sync_detailed(client=member, body=models.Redeem(
        gift_id=gift.id, delivery=models.Delivery(method=models.DeliveryMethod.PICKUP))), 201)
    assert redemption.balance == 0 and redemption.delivery.method == models.DeliveryOutMethod.PICKUP
    cancelled = ok(mod("api.redemptions.cancel_redemption").sync_detailed(redemption.id, client=member), 200)
    assert cancelled.status.value == "cancelled"
    assert ok(mod("api.members.me").sync_detailed(client=member), 200).points_balance == 5


def test_the_field_journey_runs_through_the_generated_client(generated):
    mod, make_client = generated
    models = mod("models")
    admin = create_staff(role="admin")
    staff = create_staff(role="staff")
    admin_client = make_client(admin.token)
    retailer = ok(mod("api.retailers.admin_create_retailer").sync_detailed(client=admin_client, body=models.RetailerIn(
        licence_no="440106100001", name="天河烟酒店", region_code="440106", lat=GUANGZHOU_TIANHE[0],
        lon=GUANGZHOU_TIANHE[1], format_=models.RetailerInFormat.TOBACCO_LIQUOR, is_sample=True)), 201)
    product = ok(mod("api.products.admin_create_product").sync_detailed(client=admin_client, body=models.ProductCreate(
        sku="6901028075770", name="芙蓉王(硬)", brand="芙蓉王", pack_price="25.00", carton_price="250.00",
        guide_price="25.00", wholesale_price="220.00")), 201)
    item = ok(mod("api.promo.admin_create_item").sync_detailed(client=admin_client, body=models.PromoItemIn(
        name="打火机", unit="个", unit_cost="1.50")), 201)
    ok(mod("api.promo.admin_inbound").sync_detailed(item.id, client=admin_client, body=models.Inbound(
        quantity=100, note="到货")), 201)

    login = ok(mod("api.auth.staff_login").sync_detailed(client=make_client(), body=models.StaffLogin(
        username=staff.user.username, password=PASSWORD)), 200)
    field = make_client(login.access_token)
    near = ok(mod("api.retailers.staff_list_retailers").sync_detailed(
        client=field, near=f"{GUANGZHOU_TIANHE[0]},{GUANGZHOU_TIANHE[1]}"), 200)
    assert [r.id for r in near.items] == [retailer.id] and near.items[0].distance_m == 0

    visit = ok(mod("api.visits.check_in").sync_detailed(client=field, body=models.CheckIn(
        retailer_id=retailer.id, lat=GUANGZHOU_TIANHE[0], lon=GUANGZHOU_TIANHE[1])), 201)
    blocked = mod("api.visits.check_in").sync_detailed(client=field, body=models.CheckIn(
        retailer_id=retailer.id, lat=GUANGZHOU_TIANHE[0], lon=GUANGZHOU_TIANHE[1]))
    assert blocked.status_code == 409 and blocked.parsed.error.visit_id == visit.id
    observed = ok(mod("api.visits.add_observations").sync_detailed(visit.id, client=field, body=[
        models.ObservationIn(product_id=product.id, pack_price="26.00", stock_packs=30, out_of_stock=False)]), 201)
    assert observed.items[0].product_id == product.id
    closed = ok(mod("api.visits.check_out").sync_detailed(visit.id, client=field, body=models.CheckoutMultipart(
        notes="陈列良好")), 200)
    assert closed.status.value == "closed"

    moved = ok(mod("api.promo.record_movement").sync_detailed(client=field, body=models.MovementIn(
        kind=models.MovementInKind.REQUISITION, item_id=item.id, quantity=10), idempotency_key="field-1"), 201)
    assert moved.on_hand == 10
    stock = ok(mod("api.promo.my_stock").sync_detailed(client=field), 200)
    assert [(s.item_id, s.quantity) for s in stock.items] == [(item.id, 10)]
