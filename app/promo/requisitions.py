"""领用审批: requisitions above a staff member's monthly quota wait for an admin, who approves (the stock moves
then, or INSUFFICIENT_STOCK and it stays pending) or rejects with a reason. The status leaves `pending` once,
by a guarded UPDATE, so two admins answering together cannot move the stock twice; each answer is audited."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.service import record
from ..db import guarded_update, transaction, utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..pagination import paginate
from .models import PromoRequisition
from .service import _record_move, get_item


class NotPending(Conflict):
    code, message = "REQUISITION_NOT_PENDING", _l("This requisition has been answered already.")


def get_requisition(requisition_id, staff_id=None) -> PromoRequisition:
    """A requisition; with staff_id, only that staff member's (another's is 404)."""
    requisition = db.session.get(PromoRequisition, requisition_id)
    if requisition is None or (staff_id is not None and requisition.staff_id != staff_id):
        raise NotFound(_l("No such requisition."))
    return requisition


def list_requisitions(*, status=None, staff_id=None, item_id=None, page=1, per_page=20):
    statement = select(PromoRequisition).order_by(PromoRequisition.id.desc())
    for column, value in ((PromoRequisition.status, status), (PromoRequisition.staff_id, staff_id),
                          (PromoRequisition.item_id, item_id)):
        if value is not None:
            statement = statement.where(column == value)
    return paginate(statement, page, per_page)


def _decide(requisition_id, status, decided_by, reason, now):
    """Leave `pending` for `status`, or NOT_PENDING; the requisition as loaded before."""
    requisition = get_requisition(requisition_id)
    decided = guarded_update(PromoRequisition.id, PromoRequisition.id == requisition_id,
                             PromoRequisition.status == "pending", status=status, decided_by=decided_by,
                             decided_at=now, reason=reason)
    if decided is None:
        raise NotPending()
    return requisition


def approve(requisition_id, *, decided_by, note=None, now=None) -> PromoRequisition:
    """Move the requested units from the warehouse to the staff member (its movement recorded by the admin)."""
    now = now or utcnow()
    with transaction():
        requisition = _decide(requisition_id, "approved", decided_by, note, now)
        movement = _record_move(get_item(requisition.item_id), requisition.staff_id, "requisition",
                                requisition.quantity, recorded_by=decided_by, activity_id=requisition.activity_id,
                                note=requisition.note, now=now)
        guarded_update(PromoRequisition.id, PromoRequisition.id == requisition_id, movement_id=movement.id)
        record("promo_requisition.approve", target_type="promo_requisition", target_id=requisition_id,
               before={"status": "pending"}, after={"status": "approved", "movement_id": movement.id}, note=note)
    requisition.on_hand, requisition.warehouse_on_hand = movement.on_hand, movement.warehouse_on_hand
    return requisition


def reject(requisition_id, *, decided_by, reason, now=None) -> PromoRequisition:
    with transaction():
        _decide(requisition_id, "rejected", decided_by, reason, now or utcnow())
        record("promo_requisition.reject", target_type="promo_requisition", target_id=requisition_id,
               before={"status": "pending"}, after={"status": "rejected"}, note=reason)
    return get_requisition(requisition_id)
