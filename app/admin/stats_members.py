"""Member statistics (会员统计) in the console: members counted by one dimension, and new, scanning and active
members per day, week or month, every figure narrowed by the member filters. Figures from app/stats/members.py,
exactly as GET /api/v1/admin/stats/members and /members/activity answer them."""
from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField, StringField

from ..extensions import db
from ..members.models import INCOME_BANDS, OCCUPATIONS, PREFERRED_CATEGORIES, PRICE_TIERS, MemberLevel
from ..stats import members
from ..stats.schemas import ActivityQuery, MembersByQuery
from . import bp
from .labels import CHOICE_LABELS, options
from .stats import NOT_GIVEN, RANGE_LABELS, RangeForm, StatColumn as C, Table, bars, range_form, read_query, \
    region_name, render_page

BY_LABELS = {"province": _l("Province"), "city": _l("City"), "county": _l("County"), "level": _l("Level"),
             "preferred_category": _l("Preferred category"), "price_tier": _l("Price tier"),
             "occupation": _l("Occupation"), "income_band": _l("Monthly income"), "age_band": _l("Age band"),
             "gender": _l("Gender")}
GENDER_LABELS = {"M": _l("Male"), "F": _l("Female")}
AGE_LABELS = {name: f"{low}–{high}" if high < 200 else f"{low}+" for name, low, high in members.AGE_BANDS}
FILTER_LABELS = {"by": _l("Count by"), "region": _l("Region code"), **{k: BY_LABELS[k] for k in members.FILTERS
                                                                     if k in BY_LABELS}, **RANGE_LABELS}


def _any(pairs):
    return options([("", _l("Any"))] + list(pairs))


def _choices(codes):
    return _any((code, CHOICE_LABELS.get(code, code)) for code in codes)


class MemberStatsFilter(RangeForm):
    by = SelectField(_l("Count by"), choices=options(BY_LABELS.items()))
    region = StringField(_l("Region code"), render_kw={"placeholder": "440100", "inputmode": "numeric"})
    level = SelectField(_l("Level"), validate_choice=False)
    preferred_category = SelectField(_l("Preferred category"), choices=_choices(PREFERRED_CATEGORIES))
    price_tier = SelectField(_l("Price tier"), choices=_choices(PRICE_TIERS))
    occupation = SelectField(_l("Occupation"), choices=_choices(OCCUPATIONS))
    income_band = SelectField(_l("Monthly income"), choices=_choices(INCOME_BANDS))
    gender = SelectField(_l("Gender"), choices=_any(GENDER_LABELS.items()))
    age_band = SelectField(_l("Age band"), choices=_any(AGE_LABELS.items()))


def key_label(dimension, key, levels):
    if key is None:
        return NOT_GIVEN
    if dimension in ("province", "city", "county"):
        return region_name(key)
    table = {"level": levels, "gender": GENDER_LABELS, "age_band": AGE_LABELS}.get(dimension, CHOICE_LABELS)
    return table.get(key, key)


def tables(dimension, levels):
    return {
        "by": Table("stats-members-by", _l("Members by %(dimension)s", dimension=BY_LABELS[dimension]), [
            C("key", _l("Dimension code"), lambda i: i["key"]),
            C("label", BY_LABELS[dimension], lambda i: key_label(dimension, i["key"], levels)),
            C("count", _l("Member count"), lambda i: i["count"])]),
        "activity": Table("stats-member-activity", _l("New and active members"), [
            C("period", _l("Period"), lambda i: i["period"]), C("new", _l("New members"), lambda i: i["new"]),
            C("scanning", _l("Members who scanned"), lambda i: i["scanning"]),
            C("active", _l("Active members (30 days)"), lambda i: i["active"])]),
    }


@bp.get("/stats/members")
def stats_members():
    notices = []
    by_query = read_query(MembersByQuery, request.args, {"by": "province"}, FILTER_LABELS, notices)
    activity_query = read_query(ActivityQuery, request.args, {}, FILTER_LABELS, notices)
    filters = {k: v for k, v in by_query.items() if k in members.FILTERS}
    by = members.members_by(by_query["by"], filters)
    activity = members.member_activity(activity_query["start"], activity_query["end"],
                                       activity_query["granularity"], filters)
    levels = dict(db.session.execute(select(MemberLevel.code, MemberLevel.name)).all())
    form = range_form(MemberStatsFilter, activity_query, by=by["dimension"], **filters)
    form.level.choices = _any(levels.items())
    page_tables = tables(by["dimension"], levels)
    charts = {"by": bars(by["items"], "count", lambda i: str(key_label(by["dimension"], i["key"], levels))),
              "new": bars(activity["items"], "new"), "active": bars(activity["items"], "active")}
    results = {"by": by["items"], "activity": activity["items"]}
    return render_page("admin/stats/members.html", page_tables, "by", results,
                       form=form, notices=notices, by=by, activity=activity, charts=charts)
