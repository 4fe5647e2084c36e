"""The dashboard: today and this week at a glance, and the last two weeks as charts.

Figures come from the tables on main (members, scans, ledger_entries); redemptions, low stock and open
complaints join when their features do. Days are Asia/Shanghai days; each count is one indexed range
query, so the page stays cheap however large the tables grow.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import render_template
from sqlalchemy import func, select

from ..codes.models import Scan
from ..extensions import db
from ..members.models import Member
from ..points.models import LedgerEntry
from ..timeutil import LOCAL_TZ, local_today
from . import bp

CHART_DAYS = 14


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


def _points(start, end):
    window = (LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
    issued = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0))
                               .where(*window, LedgerEntry.delta > 0, LedgerEntry.kind != "refund"))
    # Spent: redemptions net of their refunds (an expiry is not spending).
    spent = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.delta), 0))
                              .where(*window, LedgerEntry.kind.in_(("redeem", "refund"))))
    return int(issued), int(-spent)


def figures(start, end) -> Figures:
    issued, spent = _points(start, end)
    return Figures(_count(Member, start, end), _count(Scan, start, end), issued, spent)


def summary(now=None):
    today = local_today(now)
    monday = today - timedelta(days=today.weekday())
    tomorrow = _start(today + timedelta(days=1))
    return {"today": figures(_start(today), tomorrow), "week": figures(_start(monday), tomorrow)}


def daily(now=None, days=CHART_DAYS):
    """[(date, Figures)] for the last `days` days, oldest first."""
    today = local_today(now)
    out = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        out.append((day, figures(_start(day), _start(day + timedelta(days=1)))))
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
    return render_template("admin/dashboard.html", summary=summary(), charts=charts)
