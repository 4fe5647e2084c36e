"""Member statistics (会员统计分析): members by dimension, new and active members over time.

Every figure takes the same member filters (region, level, preferred category, price tier, occupation, income
band, age band, gender), so any count can be narrowed by any other dimension."""
from bisect import bisect_left
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import String, and_, func, select

from ..codes.models import Scan
from ..extensions import db
from ..members.models import Member
from ..timeutil import local_today
from .periods import buckets
from .sqltime import as_date, local_date

AGE_BANDS = (("18_24", 18, 24), ("25_34", 25, 34), ("35_44", 35, 44), ("45_54", 45, 54), ("55_64", 55, 64),
             ("65_plus", 65, 200))
ACTIVE_DAYS = 30
# dimension -> SQL expression on Member; region codes are GB/T 2260 (county as stored, city XXXX00, province XX0000)
DIMENSIONS = {
    "province": func.substr(Member.region_code, 1, 2, type_=String).concat("0000"),
    "city": func.substr(Member.region_code, 1, 4, type_=String).concat("00"),
    "county": Member.region_code,
    "level": Member.level_code,
    "preferred_category": Member.preferred_category,
    "price_tier": Member.price_tier,
    "occupation": Member.occupation,
    "income_band": Member.income_band,
    "gender": Member.gender,
    "age_band": None,  # from birth dates, in Python (exact ages on the day)
}
FILTERS = ("region", "level", "preferred_category", "price_tier", "occupation", "income_band", "gender",
           "age_band")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band(birth: date, today: date) -> str | None:
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return next((name for name, low, high in AGE_BANDS if low <= age <= high), None)


def member_conditions(filters: dict, today: date) -> list:
    """SQL conditions on Member for the member filters given (absent ones do not narrow)."""
    conditions = []
    region = filters.get("region")
    if region:  # a province or city code matches every county under it
        prefix = region[:2] if region.endswith("0000") else region[:4] if region.endswith("00") else region
        conditions.append(Member.region_code.startswith(prefix))
    for name, column in (("level", Member.level_code), ("preferred_category", Member.preferred_category),
                         ("price_tier", Member.price_tier), ("occupation", Member.occupation),
                         ("income_band", Member.income_band), ("gender", Member.gender)):
        if filters.get(name):
            conditions.append(column == filters[name])
    if filters.get("age_band"):
        _, low, high = next(b for b in AGE_BANDS if b[0] == filters["age_band"])
        # age in [low, high] ⇔ born after (today − (high+1) years) and on or before (today − low years)
        conditions.append(and_(Member.birth_date > _years_before(today, high + 1),
                               Member.birth_date <= _years_before(today, low)))
    return conditions


def members_by(dimension: str, filters: dict, now=None) -> dict:
    """Members counted by one dimension: {"dimension", "total", "items": [{"key", "count"}]} (key null when
    the profile field is empty), largest first."""
    today = local_today(now)
    conditions = member_conditions(filters, today)
    counts = defaultdict(int)
    if dimension == "age_band":
        rows = db.session.execute(select(Member.birth_date, func.count()).where(*conditions)
                                  .group_by(Member.birth_date)).all()
        for birth, n in rows:
            counts[age_band(as_date(birth), today)] += n
    else:
        key = DIMENSIONS[dimension]
        for value, n in db.session.execute(select(key, func.count()).where(*conditions).group_by(key)).all():
            counts[value] += n
    items = sorted(({"key": k, "count": n} for k, n in counts.items()), key=lambda i: (-i["count"], i["key"] or ""))
    return {"dimension": dimension, "total": sum(counts.values()), "items": items}


def member_activity(start: date, end: date, granularity: str, filters: dict, now=None) -> dict:
    """Per day, week or month of [start, end]: `new` members (joined then), `scanning` (distinct members who
    scanned then) and `active` (distinct members with a scan in the 30 days up to the period's last day)."""
    conditions = member_conditions(filters, local_today(now))
    joined = local_date(Member.created_at)
    new_by_day = {as_date(d): n for d, n in db.session.execute(
        select(joined, func.count()).where(*conditions, joined.between(start, end)).group_by(joined)).all()}
    scanned = local_date(Scan.created_at)
    first = start - timedelta(days=ACTIVE_DAYS - 1)
    pairs = db.session.execute(select(Scan.member_id, scanned).join(Member, Member.id == Scan.member_id)
                               .where(*conditions, scanned.between(first, end)).distinct()).all()
    days_of = defaultdict(list)
    for member_id, day in pairs:
        days_of[member_id].append(as_date(day))
    for days in days_of.values():
        days.sort()
    items = []
    for label, low, high in buckets(start, end, granularity):
        window_start = high - timedelta(days=ACTIVE_DAYS - 1)
        items.append({
            "period": label,
            "new": sum(n for d, n in new_by_day.items() if low <= d <= high),
            "scanning": sum(1 for days in days_of.values() if _any_between(days, low, high)),
            "active": sum(1 for days in days_of.values() if _any_between(days, window_start, high)),
        })
    return {"granularity": granularity, "from": start, "to": end, "items": items}


def _any_between(days, low, high):
    i = bisect_left(days, low)
    return i < len(days) and days[i] <= high
