"""`flask demo seed`: a realistic zh_CN demo. Each feature adds its seeder to SEEDERS."""
import random
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import func, select

from .db import transaction
from .extensions import db

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


def seed_members(ctx, count=40):
    from .members import service
    from .members.identity import compose_id_number
    from .members.models import INCOME_BANDS, OCCUPATIONS, PREFERRED_CATEGORIES, PRICE_TIERS

    faker, members = ctx["faker"], []
    for i in range(count):
        birth = date(1960, 1, 1) + timedelta(days=random.randrange(0, 365 * 45))
        region = random.choice(DEMO_REGIONS)
        phone = "13800138000" if i == 0 else random.choice(MOBILE_PREFIXES) + f"{random.randrange(10**8):08d}"
        member, _token, _ttl = service.sign_up(phone=phone, password=DEMO_PASSWORD_MEMBER, real_name=faker.name(),
                                               id_number=compose_id_number(region, birth, 100 + i))
        service.update_profile(member.id, {
            "region_code": region, "preferred_category": random.choice(PREFERRED_CATEGORIES),
            "price_tier": random.choice(PRICE_TIERS), "occupation": random.choice(OCCUPATIONS),
            "income_band": random.choice(INCOME_BANDS)})
        members.append(member)
    ctx["members"] = members


def seed_console(ctx):
    """A read-only manager for the admin console (/admin)."""
    from .auth.service import create_staff

    ctx["manager"] = create_staff(username="manager", password=DEMO_PASSWORD_MANAGER, name="运营经理",
                                  role="manager")


SEEDERS = [seed_accounts, seed_members, seed_console]


def seed_demo(force=False):
    """Run every seeder in order; refuses a database that already has members unless forced."""
    from .members.models import Member

    if not force and db.session.scalar(select(func.count()).select_from(Member)):
        raise AlreadySeeded("the database already has members; use --force to add the demo anyway")
    random.seed(2026)
    faker = Faker("zh_CN")
    faker.seed_instance(2026)
    ctx = {"faker": faker}
    with transaction():  # all or nothing: the services' own transactions join this one
        for seeder in SEEDERS:
            seeder(ctx)
    return demo_logins()


def demo_logins():
    return [("admin", "admin", DEMO_PASSWORD_ADMIN), ("staff", "staff01", DEMO_PASSWORD_STAFF),
            ("member", "13800138000", DEMO_PASSWORD_MEMBER), ("manager", "manager", DEMO_PASSWORD_MANAGER)]
