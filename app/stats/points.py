"""Points economy: issued, spent, expired and outstanding points per period (outstanding = the programme's
liability: what members could still redeem)."""
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..members.models import Member
from ..points.models import LedgerEntry
from ..timeutil import local_today
from .members import member_conditions
from .periods import buckets
from .sqltime import as_date, local_date

ISSUING_KINDS = ("scan", "complaint_reward", "referral_bonus", "campaign_bonus")
SPENDING_KINDS = ("redeem",)  # gifts, and promo items traded for points


def points_economy(start: date, end: date, granularity: str, filters: dict | None = None, now=None) -> dict:
    """Per day, week or month: `issued` (Σ earnings), `spent` (Σ debits by redemption), `refunded` (given back
    when a redemption is cancelled, in the period of the cancellation), `expired`, `adjusted` (manual
    corrections, either sign) and `outstanding` (Σ of every delta up to the period's end, which is the sum of
    all balances then). Each is booked when it happened, so outstanding moves by exactly
    issued − spent + refunded − expired + adjusted, and no figure but `adjusted` is ever negative.
    Member filters narrow it to a segment's points."""
    day = local_date(LedgerEntry.created_at)
    members = member_conditions(filters or {}, local_today(now))
    if members:
        members = [LedgerEntry.member_id.in_(select(Member.id).where(*members))]
    before = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(day < start, *members))
    rows = db.session.execute(select(day, LedgerEntry.kind, func.sum(LedgerEntry.delta))
                              .where(day.between(start, end), *members).group_by(day, LedgerEntry.kind)).all()
    by_day = defaultdict(lambda: defaultdict(int))
    for d, kind, total in rows:
        by_day[as_date(d)][kind] += int(total)
    outstanding, items = int(before), []
    for label, low, high in buckets(start, end, granularity):
        sums = defaultdict(int)
        for d, kinds in by_day.items():
            if low <= d <= high:
                for kind, total in kinds.items():
                    sums[kind] += total
        outstanding += sum(sums.values())
        items.append({"period": label, "issued": sum(sums[k] for k in ISSUING_KINDS),
                      "spent": -sum(sums[k] for k in SPENDING_KINDS), "refunded": sums["refund"],
                      "expired": -sums["expire"],
                      "adjusted": sums["adjust"], "outstanding": outstanding})
    return {"granularity": granularity, "from": start, "to": end, "items": items}
