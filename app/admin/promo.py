"""Promo items (物料): items with their low-stock flag, inbound to the warehouse, stock per location, the
movement ledger and the monthly plans (planned vs used), all through app/promo/service.py. Form input is
checked by the API's own schemas, whose messages are shown to the admin."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from .. import regions
from ..auth.models import StaffUser
from ..extensions import db
from ..promo import service
from ..promo.models import PromoItem, PromoMovement
from ..promo.schemas import InboundSchema, PromoItemInSchema, PromoPlanInSchema
from . import bp
from .actions import perform
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

KIND_LABELS = {"inbound": _l("Inbound"), "requisition": _l("Requisition"), "distribution": _l("Distribution"),
               "consumption": _l("Consumption"), "exchange": _l("Exchange for points"), "return": _l("Return")}
FIELD_LABELS = {"name": _l("Name"), "unit": _l("Unit"), "unit_cost": _l("Unit cost"),
                "low_stock_threshold": _l("Low-stock threshold"), "points_cost": _l("Points per unit"),
                "quantity": _l("Quantity"), "note": _l("Note"), "item_id": _l("Item"),
                "region_code": _l("Region code"), "month": _l("Month")}


def _load(schema, names):
    """The posted fields (blank ones left out) loaded by `schema`; None after flashing its messages."""
    raw = {name: request.form.get(name, "").strip() for name in names}
    try:
        return schema.load({k: v for k, v in raw.items() if v != ""})
    except ValidationError as error:
        for name, messages in error.messages.items():
            for message in (messages if isinstance(messages, list) else [messages]):
                flash(f"{FIELD_LABELS.get(name, name)}: {message}", "error")
        return None


def _staff_name(staff_id):
    if staff_id is None:
        return _l("Warehouse")
    person = db.session.get(StaffUser, staff_id)
    return person.name if person else staff_id


def item_choices(blank):
    items = db.session.execute(select(PromoItem.id, PromoItem.name).order_by(PromoItem.name)).all()
    return options(([("", blank)] if blank else []) + [(str(i), name) for i, name in items])


@bp.get("/promo-items")
def promo_items():
    low_only = request.args.get("low") == "1"
    return render_template("admin/promo/items.html", items=service.list_items(low_only=low_only), low_only=low_only)


@bp.post("/promo-items")
def promo_items_new():
    back = url_for("admin.promo_items")
    data = _load(PromoItemInSchema(), ("name", "unit", "unit_cost", "low_stock_threshold", "points_cost"))
    if data is None:
        return redirect(back)
    return perform("promo_item.create", target=("promo_item", None), note=data["name"],
                   call=lambda: service.create_item(**data), done=_l("Item created."), back=back)


@bp.post("/promo-items/<int:item_id>/inbound")
def promo_items_inbound(item_id):
    back = url_for("admin.promo_items")
    data = _load(InboundSchema(), ("quantity", "note"))
    if data is None:
        return redirect(back)
    return perform("promo_item.inbound", target=("promo_item", item_id),
                   note=f"+{data['quantity']} {data['note'] or ''}".strip(),
                   call=lambda: service.inbound(item_id=item_id, recorded_by=g.staff.id, **data),
                   done=_l("Inbound recorded."), back=back)


@bp.get("/promo-items/stock")
def promo_items_stock():
    item = request.args.get("item", "")
    stock = service.all_stock(item_id=int(item) if item.isdigit() else None)
    return render_template("admin/promo/stock.html", stock=stock, names={s.staff_id: _staff_name(s.staff_id)
                                                                        for s in stock},
                           items=item_choices(_l("All items")), item=item)


class MovementFilter(FilterForm):
    item = SelectField(_l("Item"), validators=[Optional()], validate_choice=False)
    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=options([("", _l("Any"))] + list(KIND_LABELS.items())))
    staff = StringField(_l("Staff ID"), validators=[Optional(), Length(max=10)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = item_choices(_l("All items"))


def movement_query(filters):
    statement = select(PromoMovement)
    for name, column in (("item", PromoMovement.item_id), ("staff", PromoMovement.staff_id)):
        if str(filters.get(name, "")).strip().isdigit():
            statement = statement.where(column == int(filters[name]))
    return where_equal(statement, filters, {"kind": PromoMovement.kind})


MOVEMENTS = register(ListSpec(
    name="promo_movements", title=_l("Movement ledger"), filter_form=MovementFilter, query=movement_query,
    default_sort="-id", tiebreak=PromoMovement.id,
    columns=[
        Column("id", _l("ID"), lambda m: m.id, sort=PromoMovement.id),
        Column("created_at", _l("When"), lambda m: m.created_at, sort=PromoMovement.created_at),
        Column("kind", _l("Kind"), lambda m: KIND_LABELS.get(m.kind, m.kind), sort=PromoMovement.kind),
        Column("item", _l("Item"), lambda m: m.item.name, sort=PromoMovement.item_id),
        Column("quantity", _l("Quantity"), lambda m: m.quantity, sort=PromoMovement.quantity),
        Column("staff", _l("Location"), lambda m: _staff_name(m.staff_id), sort=PromoMovement.staff_id),
        Column("activity_id", _l("Activity"), lambda m: m.activity_id),
        Column("retailer_id", _l("Retailer"), lambda m: m.retailer_id),
        Column("region", _l("Region"), lambda m: regions.full_name(m.region_code) if m.region_code else ""),
        Column("note", _l("Note"), lambda m: m.note),
    ]))


@bp.get("/promo-items/movements")
def promo_items_movements():
    return show_list(MOVEMENTS, "admin/promo/movements.html")


@bp.get("/promo-items/plans")
def promo_items_plans():
    month = request.args.get("month", "").strip()
    month = month if len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit() else None
    plans = service.list_plans(month=month)
    return render_template("admin/promo/plans.html", plans=plans, month=month or "",
                           items=item_choices(None), region_name=regions.full_name)


@bp.post("/promo-items/plans")
def promo_items_plans_new():
    back = url_for("admin.promo_items_plans")
    data = _load(PromoPlanInSchema(), ("item_id", "region_code", "month", "quantity"))
    if data is None:
        return redirect(back)
    return perform("promo_plan.create", target=("promo_plan", None),
                   note=f"item {data['item_id']} {data['region_code']} {data['month']} {data['quantity']}",
                   call=lambda: service.create_plan(**data), done=_l("Plan saved."),
                   back=url_for("admin.promo_items_plans", month=data["month"]))
