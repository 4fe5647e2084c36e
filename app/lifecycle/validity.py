"""Membership validity (有效期): an expired membership neither earns nor redeems until renewed.

"Earns" means by the member's own action: a scan is refused, and so are spending on a gift (redemption) or
on a promo item (exchange), all with MEMBERSHIP_EXPIRED. Points credited to the member by someone else's
act — a referral bonus (the referred member's qualifying scan) or a complaint reward (an admin's decision on
feedback already given) — are still credited: refusing them would undo the referred member's scan or the
admin's resolution, and a once-only reward skipped would be lost for good. They neither renew the
membership nor can be spent until it is renewed, and they expire with their lot like any points.

Activity renews it: a credited scan moves `valid_until` to at least VALIDITY_EXTENSION_DAYS after the scan
day. An admin can set it by hand, with a reason; both are recorded in `validity_changes`.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..db import guarded_update, transaction, utcnow
from ..errors import Conflict
from ..extensions import db
from ..members.models import Member
from ..members.service import get_member
from ..timeutil import local_today
from .models import ValidityChange


class MembershipExpired(Conflict):
    code, message = "MEMBERSHIP_EXPIRED", _l("Your membership has expired. Renew it to earn and redeem points.")


def is_expired(member, now=None) -> bool:
    return member.valid_until < local_today(now)


def require_valid(member, now=None):
    if is_expired(member, now):
        raise MembershipExpired(valid_until=member.valid_until.isoformat())


def extend_for_activity(member_id, now):
    """Inside the crediting transaction: valid_until ≥ scan day + VALIDITY_EXTENSION_DAYS (never shortened)."""
    now = now or utcnow()
    member = get_member(member_id)
    target = local_today(now) + timedelta(days=current_app.config["VALIDITY_EXTENSION_DAYS"])
    previous = member.valid_until
    moved = guarded_update(Member.id, Member.id == member_id, Member.valid_until < target, valid_until=target)
    if moved is not None:
        db.session.expire(member, ["valid_until"])
        db.session.add(ValidityChange(member_id=member_id, from_date=previous, to_date=target, source="auto",
                                      created_at=now))


def set_validity(member_id, valid_until, reason, *, staff_id=None, now=None):
    """An admin renews (or corrects) a membership; the change and its reason are recorded."""
    now = now or utcnow()
    with transaction():
        member = get_member(member_id)
        if member.valid_until != valid_until:
            db.session.add(ValidityChange(member_id=member_id, from_date=member.valid_until, to_date=valid_until,
                                          source="admin", reason=reason, staff_id=staff_id, created_at=now))
            member.valid_until = valid_until
    return member
