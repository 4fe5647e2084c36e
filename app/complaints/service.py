"""Complaint use cases: a member files; an admin assigns, answers, resolves (with a reward) or rejects.

Closing is a guarded status change (`WHERE status IN ('open', 'in_progress')`), so the reward is
credited through the ledger at most once however often the request is repeated.
"""
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from .. import throttle
from ..auth.models import StaffUser
from ..db import guarded_update, transaction, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..points.service import post_entry
from ..products.models import Product
from .models import Complaint

OPEN_STATUSES = ("open", "in_progress")


class ComplaintClosed(Conflict):
    code, message = "COMPLAINT_CLOSED", _l("This complaint is already resolved or rejected.")


def file_complaint(member_id, *, kind, content, product_id=None, pack_code=None, now=None) -> Complaint:
    """A member files a complaint or suggestion; at most COMPLAINT_LIMIT_PER_MEMBER of them (429 past it)."""
    throttle.take(current_app.config["COMPLAINT_LIMIT_PER_MEMBER"], "complaint", str(member_id))
    with transaction():
        if product_id is not None and db.session.get(Product, product_id) is None:
            raise ValidationFailed({"product_id": [_("No such product.")]})
        complaint = Complaint(member_id=member_id, kind=kind, content=content, product_id=product_id,
                              pack_code=pack_code, status="open", reward_points=0, created_at=now or utcnow())
        db.session.add(complaint)
        db.session.flush()
    return complaint


def member_complaints(member_id):
    return select(Complaint).where(Complaint.member_id == member_id).order_by(Complaint.id.desc())


def admin_complaints(*, status=None, kind=None, assignee_id=None):
    query = select(Complaint)
    for column, value in ((Complaint.status, status), (Complaint.kind, kind), (Complaint.assignee_id, assignee_id)):
        if value is not None:
            query = query.where(column == value)
    return query.order_by(Complaint.id.desc())


def get_complaint(complaint_id) -> Complaint:
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound()
    return complaint


def _open_complaint(complaint_id) -> Complaint:
    complaint = get_complaint(complaint_id)
    if complaint.status not in OPEN_STATUSES:
        raise ComplaintClosed()
    return complaint


def assign(complaint_id, staff_id) -> Complaint:
    with transaction():
        complaint = _open_complaint(complaint_id)
        if db.session.get(StaffUser, staff_id) is None:
            raise ValidationFailed({"staff_id": [_("No such staff member.")]})
        complaint.assignee_id, complaint.status = staff_id, "in_progress"
    return complaint


def answer(complaint_id, result, *, staff_id) -> Complaint:
    """A reply while the case stays open (处理中)."""
    with transaction():
        complaint = _open_complaint(complaint_id)
        complaint.result, complaint.status, complaint.handled_by = result, "in_progress", staff_id
    return complaint


def close(complaint_id, status, result, *, reward_points=0, staff_id=None, now=None) -> Complaint:
    """Resolve (with an optional reward in points) or reject; the reward is posted once.

    The reward is credited even if the member's membership has expired meanwhile (lifecycle/validity.py): it
    pays for feedback already given, by an admin's decision, not for an earning act of the member; it does not
    renew the membership, and it can be spent once the membership is renewed. Like every earning credit it
    recalculates the member's level in this transaction."""
    now = now or utcnow()
    with transaction():
        complaint = get_complaint(complaint_id)
        if guarded_update(Complaint.id, Complaint.id == complaint_id, Complaint.status.in_(OPEN_STATUSES),
                          status=status, result=result, reward_points=reward_points, handled_by=staff_id,
                          closed_at=now) is None:
            raise ComplaintClosed()
        if reward_points:
            entry = post_entry(complaint.member_id, reward_points, "complaint_reward", ref=f"complaint:{complaint_id}",
                               note=_("Thank you for your feedback"), now=now)
            guarded_update(Complaint.id, Complaint.id == complaint_id, reward_entry_id=entry.id)
        db.session.expire(complaint)
    return complaint
