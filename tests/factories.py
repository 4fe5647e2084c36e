"""Factories that go through the real services, with sequences for unique phones and ID numbers."""
import itertools
from dataclasses import dataclass
from datetime import date

from app.auth import service as auth_service
from app.auth.tokens import issue_token
from app.db import transaction
from app.members import service as member_service
from app.members.identity import compose_id_number

_seq = itertools.count(1)
PASSWORD = "Secret#2026"
COMPLETE_PROFILE = {"region_code": "440106", "preferred_category": "blended", "price_tier": "mid",
                    "occupation": "enterprise", "income_band": "6k_10k"}


def next_phone():
    return f"139{next(_seq):08d}"


def next_id_number(birth=date(1990, 5, 17), region="440106"):
    return compose_id_number(region, birth, next(_seq) % 1000)


@dataclass
class MemberHandle:
    member: object
    token: str
    password: str

    @property
    def id(self):
        return self.member.id

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class StaffHandle:
    user: object
    token: str
    password: str

    @property
    def id(self):
        return self.user.id

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


def sms_code(phone, purpose="signup"):
    """What the phone's owner does: ask for a code (the service, past the per-phone throttle) and read it
    from the SMS the outbox backend kept."""
    import re

    from app.sms import service as sms

    sms.send_code(phone, purpose)
    return re.search(r"\d{6}", sms.outbox(limit=1)[0].text)[0]


def sign_up_body(**overrides):
    """A valid sign-up, with a fresh SMS code for its phone (none for a phone that is not a mobile number)."""
    body = {"phone": next_phone(), "password": PASSWORD, "real_name": "张三", "id_number": next_id_number(),
            "consent": True}
    body.update(overrides)
    if "sms_code" not in overrides:
        body["sms_code"] = _code_if_mobile(body["phone"])
    return body


def _code_if_mobile(phone):
    from marshmallow import ValidationError

    from app.members.validators import normalize_phone

    try:
        return sms_code(normalize_phone(phone))
    except ValidationError:
        return "000000"


def create_member(complete_profile=True, **overrides):
    body = sign_up_body(**overrides)
    body.pop("consent")
    member, token, _ttl = member_service.sign_up(**body)
    if complete_profile:
        member = member_service.update_profile(member.id, COMPLETE_PROFILE)
    return MemberHandle(member, token, body["password"])


def create_staff(role="staff", username=None, password=PASSWORD, name="李四"):
    user = auth_service.create_staff(username=username or f"{role}{next(_seq)}", password=password, name=name,
                                     role=role)
    with transaction():
        token, _ttl = issue_token(staff_id=user.id)
    return StaffHandle(user, token, password)


# Field marketing (retailers, products for observations, promo items)
GUANGZHOU_TIANHE = (23.1291, 113.3240)


def create_retailer(**overrides):
    from app.retailers.service import create_retailer as create

    n = next(_seq)
    data = {"licence_no": f"4401060{n:05d}", "name": f"测试烟酒店{n}", "region_code": "440106",
            "lat": GUANGZHOU_TIANHE[0], "lon": GUANGZHOU_TIANHE[1], "format": "tobacco_liquor",
            "market_type": "urban", "district_type": "commercial", "customer_class": "core",
            "is_chain": False, "is_sample": True}
    data.update(overrides)
    return create(data)


def create_product(sku=None, **overrides):
    """A spec row made directly (prices chosen so the indicator tests can be computed by hand)."""
    from decimal import Decimal

    from app.products.models import Product

    n = next(_seq)
    values = {"sku": sku or f"SKU{n:05d}", "name": f"规格{n}", "brand": "芙蓉王", "pack_price": Decimal("10.00"),
              "carton_price": Decimal("100.00"), "guide_price": Decimal("10.00"),
              "wholesale_price": Decimal("85.00"), "price_class": 3}
    values.update(overrides)
    with transaction() as session:
        product = Product(**values)
        session.add(product)
    return product


# --- points mall and member lifecycle (ISSUE 4) ---

def grant_points(member_id, points, now=None, kind="adjust"):
    """Put points on a member's balance through the ledger (no scan side effects)."""
    from app.points.service import post_entry

    with transaction():
        return post_entry(member_id, points, kind, note="test grant", now=now)


def create_gift(**overrides):
    from app.gifts.service import create_gift as create

    fields = {"name": "保温杯", "category": "生活用品", "points_cost": 100, "stock": 10}
    fields.update(overrides)
    return create(**fields)


def credit_scan(member_id, points=1, now=None):
    """What the scan endpoint (another branch) does: a Scan row, its ledger credit and the hook, in one
    transaction. Returns the scan."""
    from app.codes.models import CodeBatch, Scan
    from app.db import utcnow
    from app.extensions import db
    from app.points import hooks
    from app.points.service import post_entry
    from app.products.models import Product

    now = now or utcnow()
    n = next(_seq)
    with transaction():
        product = Product(sku=f"T{n:06d}", name="测试烟(硬)", brand="测试", pack_price=10, carton_price=100,
                          guide_price=10, wholesale_price=90, points_per_pack=points, created_at=now)
        db.session.add(product)
        db.session.flush()
        batch = CodeBatch(product_id=product.id, count=1, created_at=now)
        db.session.add(batch)
        db.session.flush()
        scan = Scan(code=f"TESTCODE{n:012d}", batch_id=batch.id, product_id=product.id, member_id=member_id,
                    points_awarded=points, created_at=now)
        db.session.add(scan)
        db.session.flush()
        post_entry(member_id, points, "scan", ref=f"scan:{scan.id}", now=now)
        hooks.scan_credited(member_id, scan, now)
    return scan


def credit_scans_on_two_days(member_id, points=1):
    """A scan yesterday and one now (Shanghai days), what a referral bonus waits for; returns today's scan."""
    from datetime import timedelta

    from app.db import utcnow

    credit_scan(member_id, points, now=utcnow() - timedelta(days=1))
    return credit_scan(member_id, points)
