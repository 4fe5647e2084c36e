"""Identity appeal use cases (身份申诉): file one (the phone proven by SMS code); an admin upholds or rejects
it, once. Upheld: every account holding the appellant's phone or ID number is locked (its sessions end) and
gives them up, so the real owner can sign up. Both steps are audited in their own transaction."""
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import or_, select

from ..audit.service import record
from ..db import guarded_update, transaction, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..members import service as members
from ..members.identity import IdNumberError, parse_id_number
from ..members.models import Member
from ..sms.service import proving_phone
from .models import IdentityAppeal


class NothingTaken(Conflict):
    code, message = "NOTHING_TAKEN", _l("No account holds this phone or ID number: sign up instead.")


class AppealResolved(Conflict):
    code, message = "APPEAL_RESOLVED", _l("This appeal is already resolved.")


def file_appeal(*, phone, sms_code, real_name, id_number, note=None, now=None) -> IdentityAppeal:
    now = now or utcnow()
    try:
        identity = parse_id_number(id_number)
    except IdNumberError as error:
        raise ValidationFailed({"id_number": [str(error)]}) from None
    with proving_phone(phone, "appeal", sms_code, now):
        phone_holder = db.session.scalar(select(Member.id).where(Member.phone == phone))
        id_holder = db.session.scalar(select(Member.id).where(Member.id_number_hash == identity.digest()))
        if phone_holder is None and id_holder is None:
            raise NothingTaken()
        appeal = IdentityAppeal(phone=phone, real_name=real_name, id_number_hash=identity.digest(),
                                id_number_masked=identity.mask(), note=note, status="pending",
                                phone_holder_id=phone_holder, id_holder_id=id_holder, created_at=now)
        db.session.add(appeal)
        db.session.flush()
        record("identity_appeal.file", target_type="identity_appeal", target_id=appeal.id, now=now,
               after={"phone": phone, "real_name": real_name, "id_number_masked": appeal.id_number_masked,
                      "phone_holder_id": phone_holder, "id_holder_id": id_holder})
    return appeal


def get_appeal(appeal_id) -> IdentityAppeal:
    appeal = db.session.get(IdentityAppeal, appeal_id)
    if appeal is None:
        raise NotFound()
    return appeal


def admin_appeals(*, status=None):
    query = select(IdentityAppeal)
    if status is not None:
        query = query.where(IdentityAppeal.status == status)
    return query.order_by(IdentityAppeal.id.desc())


def resolve(appeal_id, decision, reason, *, staff_id, now=None) -> IdentityAppeal:
    """Uphold or reject a pending appeal; a second decision is refused (APPEAL_RESOLVED)."""
    now = now or utcnow()
    with transaction():
        appeal = get_appeal(appeal_id)
        if guarded_update(IdentityAppeal.id, IdentityAppeal.id == appeal_id, IdentityAppeal.status == "pending",
                          status=decision, resolution_note=reason, resolved_by=staff_id, resolved_at=now) is None:
            raise AppealResolved()
        locked = _free_identity(appeal, reason, now) if decision == "upheld" else []
        record("identity_appeal.resolve", target_type="identity_appeal", target_id=appeal_id, now=now,
               before={"status": "pending"}, after={"status": decision, "locked_member_ids": locked}, note=reason)
    db.session.expire(appeal)
    return appeal


def _free_identity(appeal, reason, now):
    """Lock the accounts holding the appeal's phone or ID number now, and free what they hold of it."""
    holders = db.session.scalars(select(Member).where(or_(Member.phone == appeal.phone,
                                                          Member.id_number_hash == appeal.id_number_hash))
                                 .order_by(Member.id)).all()
    for holder in holders:
        takes_phone, takes_id = holder.phone == appeal.phone, holder.id_number_hash == appeal.id_number_hash
        members.lock_member(holder.id, _("Identity appeal %(id)s upheld: %(reason)s", id=appeal.id,
                                         reason=reason)[:200], now=now)
        members.release_identity(holder.id, phone=takes_phone, id_number=takes_id)
    return [holder.id for holder in holders]
