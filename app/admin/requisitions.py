"""领用审批 and 领用额度 in the console: requisitions above a staff member's monthly quota, approved or rejected
here (app/promo/requisitions.py moves the stock and records the audit event), and the quotas per staff member
(app/promo/quotas.py)."""
from flask import g, redirect, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import Optional

from ..promo import quotas, requisitions
from ..promo.models import PromoRequisition
from ..promo.requisition_schemas import ApproveSchema, QuotaInSchema, RejectSchema
from . import bp
from .actions import answer
from .formfields import IdSelectField
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal
from .promo import _load, _staff_name, item_choices
from .visits import staff_choices

STATUS = {"pending": _l("Pending approval"), "approved": _l("Approved"), "rejected": _l("Rejected")}


class RequisitionFilter(FilterForm):
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=options([("", _l("Any"))] + list(STATUS.items())))
    staff = IdSelectField(_l("Staff member"), validators=[Optional()])
    item = IdSelectField(_l("Item"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff.choices = staff_choices(_l("All staff"))
        self.item.choices = item_choices(_l("All items"))


def requisition_query(filters):
    return where_equal(select(PromoRequisition), filters, {"status": PromoRequisition.status,
                                                           "staff": PromoRequisition.staff_id,
                                                           "item": PromoRequisition.item_id})


REQUISITIONS = register(ListSpec(
    name="promo_requisitions", title=_l("Requisition approvals"), filter_form=RequisitionFilter,
    query=requisition_query, default_sort="-id", tiebreak=PromoRequisition.id,
    columns=[
        Column("id", _l("ID"), lambda r: r.id, sort=PromoRequisition.id),
        Column("created_at", _l("Requested"), lambda r: r.created_at, sort=PromoRequisition.created_at),
        Column("staff", _l("Staff member"), lambda r: _staff_name(r.staff_id), sort=PromoRequisition.staff_id),
        Column("item", _l("Item"), lambda r: r.item.name, sort=PromoRequisition.item_id),
        Column("quantity", _l("Quantity"), lambda r: r.quantity, sort=PromoRequisition.quantity),
        Column("note", _l("Note"), lambda r: r.note),
        Column("status", _l("Status"), lambda r: STATUS.get(r.status, r.status), sort=PromoRequisition.status),
        Column("decided_by", _l("Answered by"), lambda r: _staff_name(r.decided_by) if r.decided_by else ""),
        Column("decided_at", _l("Answered"), lambda r: r.decided_at, sort=PromoRequisition.decided_at),
        Column("reason", _l("Reason"), lambda r: r.reason),
    ]))


@bp.get("/promo-items/requisitions")
def promo_items_requisitions():
    return show_list(REQUISITIONS, "admin/promo/requisitions.html")


def _back():
    return url_for("admin.promo_items_requisitions", status="pending")


@bp.post("/promo-items/requisitions/<int:requisition_id>/approve")
def promo_items_requisitions_approve(requisition_id):
    data = _load(ApproveSchema(), ("note",))
    if data is None:
        return redirect(_back())
    return answer(lambda: requisitions.approve(requisition_id, decided_by=g.staff.id, **data), back=_back(),
                  done=_l("Requisition approved; the stock has moved."))


@bp.post("/promo-items/requisitions/<int:requisition_id>/reject")
def promo_items_requisitions_reject(requisition_id):
    data = _load(RejectSchema(), ("reason",))
    if data is None:
        return redirect(_back())
    return answer(lambda: requisitions.reject(requisition_id, decided_by=g.staff.id, **data), back=_back(),
                  done=_l("Requisition rejected."))


QUOTAS = register(ListSpec(
    name="promo_quotas", title=_l("Requisition quotas"), rows=lambda _filters: quotas.list_quotas(),
    default_sort="username",
    columns=[
        Column("username", _l("Username"), lambda q: q["username"], sort=lambda q: q["username"]),
        Column("name", _l("Name"), lambda q: q["name"], sort=lambda q: q["name"]),
        Column("monthly_quantity", _l("Units per item per month"), lambda q: q["monthly_quantity"],
               sort=lambda q: q["monthly_quantity"]),
        Column("own", _l("Quota"), lambda q: _l("Own quota") if q["own"] else _l("Default"),
               sort=lambda q: q["own"]),
    ]))


@bp.get("/promo-items/quotas")
def promo_items_quotas():
    return show_list(QUOTAS, "admin/promo/quotas.html", default_quantity=quotas.default_quota())


@bp.post("/promo-items/quotas/<int:staff_id>")
def promo_items_quotas_set(staff_id):
    back = url_for("admin.promo_items_quotas")
    data = _load(QuotaInSchema(), ("monthly_quantity",))
    if data is None:
        return redirect(back)
    return answer(lambda: quotas.set_quota(staff_id, data["monthly_quantity"]), back=back, done=_l("Quota saved."))


@bp.post("/promo-items/quotas/<int:staff_id>/default")
def promo_items_quotas_default(staff_id):
    return answer(lambda: quotas.clear_quota(staff_id), back=url_for("admin.promo_items_quotas"),
                  done=_l("The default quota applies again."))
