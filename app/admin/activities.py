"""Activities (活动): list, create, a detail page with the staff's records, cancel, and the effect check
(效果检验) once ended, through app/activities/service.py."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from .. import regions
from ..activities import service
from ..activities.models import Activity
from ..activities.schemas import ActivityInSchema
from ..auth.models import StaffUser
from ..errors import ApiError
from ..extensions import db
from ..products.models import Product
from . import bp
from .actions import audited, flash_error, perform
from .listing import Column, ListSpec, register, show_list

TYPE_LABELS = {"buy_gift": _l("Buy and get a gift"), "tasting": _l("Tasting"), "collect_packs": _l("Collect packs"),
               "display": _l("Display"), "retailer_incentive": _l("Retailer incentive"), "other": _l("Other")}
STATE_LABELS = {"planned": _l("Not started"), "ongoing": _l("Ongoing"), "ended": _l("Ended"),
                "cancelled": _l("Cancelled")}
FIELD_LABELS = {"name": _l("Name"), "type": _l("Type"), "region_code": _l("Region code"), "starts_on": _l("Starts"),
                "ends_on": _l("Ends"), "strategy": _l("Strategy"), "standard": _l("Standard"),
                "item_budget": _l("Item budget (yuan)"), "product_ids": _l("Products"),
                "retailer_ids": _l("Retailer IDs"), "staff_ids": _l("Staff")}

ACTIVITIES = register(ListSpec(
    name="activities", title=_l("Activities"), query=lambda _filters: select(Activity), default_sort="-starts_on",
    tiebreak=Activity.id,
    columns=[
        Column("id", _l("ID"), lambda a: a.id, sort=Activity.id,
               link=lambda a: url_for("admin.activities_detail", activity_id=a.id)),
        Column("name", _l("Name"), lambda a: a.name, sort=Activity.name),
        Column("type", _l("Type"), lambda a: TYPE_LABELS.get(a.type, a.type), sort=Activity.type),
        Column("region", _l("Region"), lambda a: regions.full_name(a.region_code), sort=Activity.region_code),
        Column("starts_on", _l("Starts"), lambda a: a.starts_on, sort=Activity.starts_on),
        Column("ends_on", _l("Ends"), lambda a: a.ends_on, sort=Activity.ends_on),
        Column("item_budget", _l("Item budget (yuan)"), lambda a: f"{a.item_budget:.2f}"),
        Column("state", _l("Status"), lambda a: STATE_LABELS.get(a.state, a.state)),
    ]))


@bp.get("/activities")
def activities():
    return show_list(ACTIVITIES, "admin/activities/list.html")


def _ids(text):
    """'3, 5 7' → [3, 5, 7]; anything else is left for the schema to refuse."""
    parts = text.replace("，", ",").replace(",", " ").split()
    return [int(p) if p.isdigit() else p for p in parts]


def _choices():
    products = db.session.execute(select(Product.id, Product.name).order_by(Product.name)).all()
    people = db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.role == "staff")
                                .order_by(StaffUser.name)).all()
    return {"types": TYPE_LABELS, "products": products, "people": people}


@bp.route("/activities/new", methods=["GET", "POST"])
def activities_new():
    values = request.form
    if request.method == "POST":
        raw = {name: values.get(name, "").strip() for name in ("name", "type", "region_code", "starts_on",
                                                               "ends_on", "strategy", "standard", "item_budget")}
        raw = {k: v for k, v in raw.items() if v != ""}
        raw["product_ids"] = [int(v) for v in values.getlist("product_ids") if v.isdigit()]
        raw["staff_ids"] = [int(v) for v in values.getlist("staff_ids") if v.isdigit()]
        raw["retailer_ids"] = _ids(values.get("retailer_ids", ""))
        try:
            data = ActivityInSchema().load(raw)
            created = audited("activity.create", target=("activity", None), note=data["name"],
                              call=lambda: service.create_activity(data, created_by=g.staff.id))
        except ValidationError as error:
            for name, messages in error.messages.items():
                listed = messages if isinstance(messages, list) else [str(messages)]
                for message in listed:
                    flash(f"{FIELD_LABELS.get(name, name)}: {message}", "error")
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Activity created."), "success")
            return redirect(url_for("admin.activities_detail", activity_id=created.id))
    return render_template("admin/activities/new.html", values=values, **_choices())


@bp.get("/activities/<int:activity_id>")
def activities_detail(activity_id):
    activity = service.get_activity(activity_id)
    effect = service.effect(activity_id) if activity.state == "ended" else None
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.name)).all())
    return render_template("admin/activities/detail.html", activity=activity, records=service.list_records(activity_id),
                           effect=effect, names=names, type_label=TYPE_LABELS.get(activity.type, activity.type),
                           state_label=STATE_LABELS.get(activity.state, activity.state),
                           region_name=regions.full_name(activity.region_code))


@bp.post("/activities/<int:activity_id>/cancel")
def activities_cancel(activity_id):
    return perform("activity.cancel", target=("activity", activity_id), fields=("status",),
                   load=lambda: service.get_activity(activity_id), call=lambda: service.cancel_activity(activity_id),
                   done=_l("Activity cancelled."), back=url_for("admin.activities_detail", activity_id=activity_id))
