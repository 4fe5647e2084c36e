"""Promo items (物料): items with their low-stock flag, inbound to the warehouse, stock per location, the
movement ledger and the monthly plans (planned vs used), all through app/promo/service.py. Form input is
checked by the API's own schemas, whose messages are shown to the admin."""
from flask import flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from .. import regions
from ..auth.models import StaffUser
from ..extensions import db
from ..promo import service
from ..promo.models import PromoItem, PromoMovement, PromoPlan, PromoStock
from ..schema_fields import MAX_ID
from ..promo.schemas import InboundSchema, PromoItemInSchema, PromoPlanInSchema
from . import bp
from .actions import perform
from .formfields import IdSelectField
from .labels import options
from .visits import staff_choices
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

KIND_LABELS = {"inbound": _l("Inbound"), "requisition": _l("Requisition"), "distribution": _l("Distribution"),
               "consumption": _l("Consumption"), "exchange": _l("Exchange for points"), "return": _l("Return")}
FIELD_LABELS = {"name": _l("Name"), "unit": _l("Unit"), "unit_cost": _l("Unit cost"),
                "low_stock_threshold": _l("Low-stock threshold"), "points_cost": _l("Points per unit"),
                "quantity": _l("Quantity"), "note": _l("Note"), "item_id": _l("Item"),
                "region_code": _l("Region code"), "month": _l("Month"), "reason": _l("Reason"),
                "monthly_quantity": _l("Units per item per month")}


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


class ItemFilter(FilterForm):
    q = StringField(_l("Name"), validators=[Optional(), Length(max=64)])
    low = SelectField(_l("Stock"), validators=[Optional()],
                      choices=options([("", _l("All items")), ("1", _l("Only items low on stock"))]))


def item_rows(filters):
    """The catalogue with its warehouse quantity and low-stock flag, as the promo service computes them."""
    items = service.list_items(low_only=filters.get("low") == "1")
    name = (filters.get("q") or "").strip().casefold()
    return [item for item in items if name in item.name.casefold()]


ITEMS = register(ListSpec(
    name="promo_items", title=_l("Promo items"), filter_form=ItemFilter, rows=item_rows, default_sort="id",
    columns=[
        Column("id", _l("ID"), lambda i: i.id, sort=lambda i: i.id),
        Column("name", _l("Name"), lambda i: i.name, sort=lambda i: i.name),
        Column("unit", _l("Unit"), lambda i: i.unit),
        Column("unit_cost", _l("Unit cost"), lambda i: i.unit_cost, sort=lambda i: i.unit_cost),
        Column("points_cost", _l("Points per unit"), lambda i: i.points_cost, sort=lambda i: i.points_cost),
        Column("warehouse", _l("In the warehouse"), lambda i: i.warehouse_quantity,
               sort=lambda i: i.warehouse_quantity),
        Column("low_stock_threshold", _l("Low-stock threshold"), lambda i: i.low_stock_threshold,
               sort=lambda i: i.low_stock_threshold),
        Column("low_stock", _l("Low stock"), lambda i: _l("Low stock") if i.low_stock else "",
               sort=lambda i: i.low_stock),
    ]))


@bp.get("/promo-items")
def promo_items():
    return show_list(ITEMS, "admin/promo/items.html")


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


def location_choices():
    return options([("", _l("All locations")), ("warehouse", _l("Warehouse"))]) + staff_choices(None)


class StockFilter(FilterForm):
    item = IdSelectField(_l("Item"), validators=[Optional()])
    location = SelectField(_l("Location"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = item_choices(_l("All items"))
        self.location.choices = location_choices()


def stock_query(filters):
    statement = select(PromoStock).join(PromoItem, PromoItem.id == PromoStock.item_id)
    location = filters.get("location")
    if location == "warehouse":
        statement = statement.where(PromoStock.staff_id.is_(None))
    elif location:
        statement = statement.where(PromoStock.staff_id == int(location))
    return where_equal(statement, filters, {"item": PromoStock.item_id})


STOCK = register(ListSpec(
    name="promo_stock", title=_l("Stock per location"), filter_form=StockFilter, query=stock_query,
    default_sort="item", tiebreak=PromoStock.id,
    columns=[
        Column("item", _l("Item"), lambda s: s.item.name, sort=PromoItem.name),
        Column("location", _l("Location"), lambda s: _staff_name(s.staff_id), sort=PromoStock.staff_id),
        Column("quantity", _l("Quantity"), lambda s: s.quantity, sort=PromoStock.quantity),
    ]))


@bp.get("/promo-items/stock")
def promo_items_stock():
    return show_list(STOCK, "admin/promo/stock.html")


class MovementFilter(FilterForm):
    item = IdSelectField(_l("Item"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=options([("", _l("Any"))] + list(KIND_LABELS.items())))
    staff = IntegerField(_l("Staff ID"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = item_choices(_l("All items"))


def movement_query(filters):
    return where_equal(select(PromoMovement), filters, {"item": PromoMovement.item_id,
                                                        "staff": PromoMovement.staff_id, "kind": PromoMovement.kind})


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


class PlanFilter(FilterForm):
    month = StringField(_l("Month"), validators=[Optional(), Regexp(r"^20\d\d-(0[1-9]|1[0-2])$",
                                                                    message=_l("Write the month as 2026-11."))],
                        render_kw={"placeholder": "2026-11"})
    item = IdSelectField(_l("Item"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = item_choices(_l("All items"))


def plan_query(filters):
    return where_equal(select(PromoPlan), filters, {"month": PromoPlan.month, "item": PromoPlan.item_id})


def plan_usage(plans):
    """`used` and `remaining` of a page of plans, from the promo service (one call per month and item)."""
    for month, item_id in {(p.month, p.item_id) for p in plans}:
        computed = {p.id: p for p in service.list_plans(month=month, item_id=item_id)}
        for plan in plans:
            if plan.id in computed:
                plan.used, plan.remaining = computed[plan.id].used, computed[plan.id].remaining


PLANS = register(ListSpec(
    name="promo_plans", title=_l("Plans"), filter_form=PlanFilter, query=plan_query, prepare=plan_usage,
    default_sort="-month", tiebreak=PromoPlan.id,
    columns=[
        Column("month", _l("Month"), lambda p: p.month, sort=PromoPlan.month),
        Column("item", _l("Item"), lambda p: p.item.name, sort=PromoPlan.item_id),
        Column("region", _l("Region"), lambda p: regions.full_name(p.region_code), sort=PromoPlan.region_code),
        Column("quantity", _l("Planned"), lambda p: p.quantity, sort=PromoPlan.quantity),
        Column("used", _l("Used"), lambda p: p.used),
        Column("remaining", _l("Remaining"), lambda p: p.remaining),
    ]))


@bp.get("/promo-items/plans")
def promo_items_plans():
    return show_list(PLANS, "admin/promo/plans.html", items=item_choices(None))


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
