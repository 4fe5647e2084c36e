"""Redemptions by gift and by gift category (points economy): how many redemptions, units and points went
to each gift or category over a range of local dates, narrowed by the member filters.

A redemption counts on the local day it was placed. Cancelled redemptions are left out entirely, whenever
they were cancelled: a cancellation always refunds the whole debit (redemptions.service.cancel), so what is
left is the points actually spent net of refunds. (The points series in points.py books the refund on the
day of the cancellation instead, so a range can differ from it by redemptions cancelled after it ends.)"""
from datetime import date

from sqlalchemy import distinct, func, select

from ..extensions import db
from ..gifts.models import Gift
from ..members.models import Member
from ..redemptions.models import Redemption
from ..timeutil import local_today
from .members import member_conditions
from .sqltime import local_date

REDEMPTION_DIMENSIONS = ("gift", "category")


def redemptions_by(dimension: str, start: date, end: date, filters: dict, category=None, now=None) -> dict:
    """{"dimension", "from", "to", "totals", "items": [{"key", "gift_id", "name", "category", "redemptions",
    "quantity", "points_spent", "members"}]}, most points first. Per category, gift_id and name are null."""
    conditions = [Redemption.status != "cancelled",
                  local_date(Redemption.created_at).between(start, end),
                  *member_conditions(filters, local_today(now))]
    if category:
        conditions.append(Gift.category == category)
    keys = [Gift.id, Gift.name, Gift.category] if dimension == "gift" else [Gift.category]
    figures = [func.count(), func.sum(Redemption.quantity), func.sum(Redemption.points_spent),
               func.count(distinct(Redemption.member_id))]

    def query(*columns):
        return (select(*columns).select_from(Redemption).join(Gift, Gift.id == Redemption.gift_id)
                .join(Member, Member.id == Redemption.member_id).where(*conditions))

    items = []
    for row in db.session.execute(query(*keys, *figures).group_by(*keys)):
        gift_id, name, cat = row[:3] if dimension == "gift" else (None, None, row[0])
        items.append(_item(str(gift_id) if dimension == "gift" else cat, gift_id, name, cat, *row[len(keys):]))
    items.sort(key=lambda i: (-i["points_spent"], -i["quantity"], i["key"]))
    totals = _item(None, None, None, category, *db.session.execute(query(*figures)).one())
    return {"dimension": dimension, "from": start, "to": end, "totals": totals, "items": items}


def _item(key, gift_id, name, category, redemptions, quantity, points, members):
    return {"key": key, "gift_id": gift_id, "name": name, "category": category, "redemptions": int(redemptions),
            "quantity": int(quantity or 0), "points_spent": int(points or 0), "members": int(members)}
