"""The dashboard: today and this week at a glance, and the last two weeks as charts.

Figures come from members, scans and ledger_entries; the points mall adds redemptions (today and this
week, cancelled ones left out), gifts low on stock (GIFT_LOW_STOCK), promo items under their warehouse
threshold and complaints still open. Days are Asia/Shanghai days. Every query reads a created_at range
through an index, and the charts group by day in SQL (three queries for fourteen days), so the page stays
cheap however large the tables grow.

Points spent are the points redemptions took (gifts and promo items exchanged for points) on the day the
member redeemed, leaving out redemptions cancelled since (their points came back): never negative, and the
tile and the chart read the same SQL (`_point_sums`). A refund is not spending the other way round on the
day it happens; an expiry is not spending at all.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app, render_template
from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import expression

from ..codes.models import Scan
from ..complaints.models import Complaint
from ..complaints.service import OPEN_STATUSES
from ..gifts.models import Gift
from ..redemptions.models import Redemption
from ..extensions import db
from ..stats.points import ISSUING_KINDS
from ..members.models import Member
from ..points.models import LedgerEntry
from ..promo import service as promo
from ..timeutil import LOCAL_TZ, local_today
from . import bp

CHART_DAYS = 14
LOW_STOCK_SHOWN = 10


def gift_low_stock() -> int:
    """A gift on sale with this many units or fewer needs restocking (gifts carry no threshold of their own)."""
    return current_app.config["GIFT_LOW_STOCK"]


@dataclass
class Figures:
    new_members: int
    scans: int
    points_issued: int
    points_spent: int


def _start(day):
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _count(model, start, end):
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.created_at >= start, model.created_at < end))


def _point_sums():
    """Σ issued and Σ spent over the rows selected, for the tiles and the charts alike.

    Issued: earnings, the kinds the statistics count (a refund gives back and a manual adjustment corrects;
    neither is issued). Spent: what redemptions took, unless the redemption was cancelled since (its refund
    restored the points): a positive number of points."""
    cancelled = select(Redemption.debit_entry_id).where(Redemption.status == "cancelled",
                                                        Redemption.debit_entry_id.is_not(None))
    issued = case((LedgerEntry.kind.in_(ISSUING_KINDS), LedgerEntry.delta), else_=0)
    spent = case((and_(LedgerEntry.kind == "redeem", LedgerEntry.id.not_in(cancelled)), -LedgerEntry.delta),
                 else_=0)
    return [func.coalesce(func.sum(issued), 0), func.coalesce(func.sum(spent), 0)]


def _points(start, end):
    issued, spent = db.session.execute(select(*_point_sums())
                                       .where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end)).one()
    return int(issued), int(spent)


def figures(start, end) -> Figures:
    issued, spent = _points(start, end)
    return Figures(_count(Member, start, end), _count(Scan, start, end), issued, spent)


def summary(now=None):
    today = local_today(now)
    monday = today - timedelta(days=today.weekday())
    tomorrow = _start(today + timedelta(days=1))
    return {"today": figures(_start(today), tomorrow), "week": figures(_start(monday), tomorrow)}


def _redemptions(start, end):
    return db.session.scalar(select(func.count()).select_from(Redemption).where(
        Redemption.created_at >= start, Redemption.created_at < end, Redemption.status != "cancelled"))


def mall(now=None):
    """The points mall at a glance: redemptions today and this week, low-stock gifts and promo items (the promo
    service's own low-stock list), open complaints."""
    today = local_today(now)
    monday = today - timedelta(days=today.weekday())
    tomorrow = _start(today + timedelta(days=1))
    low = select(Gift).where(Gift.status == "active", Gift.stock <= gift_low_stock())
    low_items = sorted(promo.list_items(low_only=True), key=lambda i: (i.warehouse_quantity, i.id))
    return {
        "redemptions_today": _redemptions(_start(today), tomorrow),
        "redemptions_week": _redemptions(_start(monday), tomorrow),
        "low_stock_count": db.session.scalar(select(func.count()).select_from(low.subquery())),
        "low_stock": db.session.scalars(low.order_by(Gift.stock, Gift.id).limit(LOW_STOCK_SHOWN)).all(),
        "low_items_count": len(low_items),
        "low_items": low_items[:LOW_STOCK_SHOWN],
        "open_complaints": db.session.scalar(select(func.count()).select_from(Complaint)
                                             .where(Complaint.status.in_(OPEN_STATUSES))),
    }


class local_day(expression.FunctionElement):
    """Days since 1970-01-01 in Asia/Shanghai (UTC+8 all year, no DST) of a UTC timestamp column."""

    type = Integer()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    return f"((CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER) + 28800) / 86400)"


@compiles(local_day, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    return f"CAST(floor((extract(epoch from {compiler.process(element.clauses, **kw)}) + 28800) / 86400) AS INTEGER)"


EPOCH = date(1970, 1, 1)


def _by_day(columns, model, start, end):
    day = local_day(model.created_at)
    rows = db.session.execute(select(day, *columns).where(model.created_at >= start, model.created_at < end)
                              .group_by(day)).all()
    return {EPOCH + timedelta(days=int(row[0])): row[1:] for row in rows}


def daily(now=None, days=CHART_DAYS):
    """[(date, Figures)] for the last `days` days, oldest first: one grouped query per table."""
    today = local_today(now)
    first = today - timedelta(days=days - 1)
    start, end = _start(first), _start(today + timedelta(days=1))
    members = _by_day([func.count()], Member, start, end)
    scans = _by_day([func.count()], Scan, start, end)
    points = _by_day(_point_sums(), LedgerEntry, start, end)
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        got_issued, got_spent = points.get(day, (0, 0))
        out.append((day, Figures(int(members.get(day, (0,))[0]), int(scans.get(day, (0,))[0]),
                                 int(got_issued), int(got_spent))))
    return out


def chart(series, key):
    """Bars for a small server-drawn SVG chart: [(label, value, height 0..1)]."""
    values = [getattr(f, key) for _day, f in series]
    top = max(values + [1])
    return [(day.strftime("%m-%d"), value, value / top) for (day, _f), value in zip(series, values)]


@bp.get("/")
def dashboard():
    series = daily()
    charts = {key: chart(series, key) for key in ("new_members", "scans", "points_issued", "points_spent")}
    return render_template("admin/dashboard.html", summary=summary(), charts=charts,
                           mall=mall(), low_stock=gift_low_stock())
