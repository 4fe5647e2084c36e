"""`flask demo seed`: a realistic zh_CN demo. Each feature adds its seeder to SEEDERS."""
import random
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import func, select

from .db import transaction, utcnow
from .extensions import db
from .features import load

DEMO_PASSWORD_ADMIN = "Admin@2026"
DEMO_PASSWORD_STAFF = "Staff@2026"
DEMO_PASSWORD_MEMBER = "Member@2026"
DEMO_PASSWORD_MANAGER = "Manager@2026"
MOBILE_PREFIXES = ["130", "131", "135", "136", "138", "139", "150", "151", "158", "186", "187", "189"]
DEMO_REGIONS = ["440106", "440104", "440105", "440111", "430102", "430103", "110105", "310115", "510107", "330106"]


class AlreadySeeded(Exception):
    pass


def seed_accounts(ctx):
    from .auth.service import create_staff

    ctx["admin"] = create_staff(username="admin", password=DEMO_PASSWORD_ADMIN, name="系统管理员", role="admin")
    ctx["staff"] = [create_staff(username=f"staff{i:02d}", password=DEMO_PASSWORD_STAFF,
                                 name=ctx["faker"].name(), role="staff", region_code=random.choice(DEMO_REGIONS))
                    for i in range(1, 6)]


def _joined(i, now):
    """When demo member i signed up: the demo login 90 days ago, the first ten over a month ago (they redeem
    and complain in the mall demo), the rest spread over the last 60 days, the last three today."""
    if i == 0:
        return now - timedelta(days=90)
    if i < 10:
        return now - timedelta(days=random.randint(35, 80), minutes=random.randint(0, 600))
    if i >= 37:
        return now - timedelta(minutes=random.randint(30, 300))
    return now - timedelta(days=random.randint(1, 60), minutes=random.randint(0, 600))


def seed_members(ctx, count=40):
    from .members import service
    from .members.identity import compose_id_number
    from .members.models import INCOME_BANDS, OCCUPATIONS, PREFERRED_CATEGORIES, PRICE_TIERS

    faker, members, now = ctx["faker"], [], ctx["now"]
    for i in range(count):
        birth = date(1960, 1, 1) + timedelta(days=random.randrange(0, 365 * 45))
        region = random.choice(DEMO_REGIONS)
        phone = "13800138000" if i == 0 else random.choice(MOBILE_PREFIXES) + f"{random.randrange(10**8):08d}"
        member, _token, _ttl = service.sign_up(phone=phone, password=DEMO_PASSWORD_MEMBER, real_name=faker.name(),
                                               id_number=compose_id_number(region, birth, 100 + i),
                                               phone_vouched=True, now=_joined(i, now))
        service.update_profile(member.id, {
            "region_code": region, "preferred_category": random.choice(PREFERRED_CATEGORIES),
            "price_tier": random.choice(PRICE_TIERS), "occupation": random.choice(OCCUPATIONS),
            "income_band": random.choice(INCOME_BANDS)})
        members.append(member)
    ctx["members"] = members


def seed_observations(ctx, weeks=8):
    """~8 weeks of weekly price and stock observations of the sample retailers, so the market indicators
    (统计分析) have something to show. Needs the products and retailers seeders; otherwise does nothing."""
    from datetime import datetime, time
    from decimal import Decimal

    from .observations.models import CHANNELS
    from .observations.service import record_observation
    from .timeutil import LOCAL_TZ, local_today

    products, retailers = ctx.get("products") or [], [r for r in ctx.get("retailers") or [] if r.is_sample]
    if not products or not retailers:
        return
    last_monday = local_today() - timedelta(days=local_today().weekday() + 7)
    for retailer in retailers:
        for product in products[:12]:
            stock = random.randint(0, 40)
            for n in range(weeks - 1, -1, -1):
                day = last_monday - timedelta(weeks=n) + timedelta(days=random.randint(0, 4))
                ordered = random.choice([0, 0, 10, 10, 20, 30])
                stock = max(0, stock + ordered - random.randint(0, 25))
                price = product.guide_price * Decimal(random.choice(["0.95", "1.00", "1.00", "1.05", "1.10"]))
                record_observation(
                    retailer_id=retailer.id, product_id=product.id, observed_on=day,
                    observed_at=datetime.combine(day, time(random.randint(9, 18)), tzinfo=LOCAL_TZ),
                    stock_packs=stock, ordered_packs=ordered, demand_packs=ordered + random.choice([0, 0, 0, 5]),
                    out_of_stock=stock == 0, pack_price=price.quantize(Decimal("0.01")),
                    carton_price=(price * 10 - 5).quantize(Decimal("0.01")), channel=random.choice(CHANNELS))


def seed_console(ctx):
    """A read-only manager for the admin console (/admin)."""
    from .auth.service import create_staff

    ctx["manager"] = create_staff(username="manager", password=DEMO_PASSWORD_MANAGER, name="运营经理",
                                  role="manager")


# Each feature seeds its own part of the demo, in this order (later seeders use what earlier ones made,
# through `ctx`). Dotted paths, so this module imports no feature at load time. Points move in the order of
# their time stamps (ctx["now"] is the demo's present), so every member's ledger reads in time order:
# welcome bonus at sign-up, older scans, mall activity a few days back, then the last day's scans.
SEEDERS = [
    "app.demo:seed_accounts",
    "app.demo:seed_members",
    "app.demo:seed_console",
    "app.products.demo:seed_products",
    "app.lifecycle.demo:seed_levels_and_welcome_bonus",
    "app.codes.demo:seed_codes",
    "app.field_demo:seed_field",
    "app.lifecycle.demo:seed_mall",
    "app.codes.demo:seed_recent_scans",
    "app.demo:seed_observations",
    "app.appeals.demo:seed_appeal",
]


def seed_demo(force=False):
    """Run every seeder in order; refuses a database that already has members unless forced."""
    from .members.models import Member

    if not force and db.session.scalar(select(func.count()).select_from(Member)):
        raise AlreadySeeded("the database already has members; use --force to add the demo anyway")
    random.seed(2026)
    faker = Faker("zh_CN")
    faker.seed_instance(2026)
    ctx = {"faker": faker, "now": utcnow()}
    with transaction():  # all or nothing: the services' own transactions join this one
        for path in SEEDERS:
            load(path)(ctx)
    return demo_logins()


def demo_logins():
    return [("admin", "admin", DEMO_PASSWORD_ADMIN), ("staff", "staff01", DEMO_PASSWORD_STAFF),
            ("member", "13800138000", DEMO_PASSWORD_MEMBER), ("manager", "manager", DEMO_PASSWORD_MANAGER)]
