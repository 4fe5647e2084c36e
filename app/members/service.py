"""Member use cases: sign up, profile, photo, password, lock. Each owns its transaction."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..auth import tokens
from ..auth.passwords import hash_password, verify_password
from ..db import guarded_update, transaction, utcnow, violated_constraint
from ..errors import ApiError, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..media import process_image, storage
from ..sms.service import proving_phone
from ..timeutil import local_today
from .identity import IdNumberError, is_adult, parse_id_number
from .models import Member
from .validators import check_password

REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PHOTO_MAX_SIDE = 512


class PhoneTaken(Conflict):
    code, message = "PHONE_TAKEN", _l("This phone number already has an account.")


class IdNumberTaken(Conflict):
    code, message = "ID_NUMBER_TAKEN", _l("This ID number already has an account.")


class Underage(ApiError):
    status, code, message = 422, "UNDERAGE", _l("Only adults (18 and over) may join.")


def sign_up(*, phone, password, real_name, id_number, sms_code=None, referral_code=None, phone_vouched=False,
            now=None):
    """Register a member (实名登记) and open a session; returns (member, token, expires_in).

    While PHONE_VERIFICATION is on, `sms_code` (purpose signup) proves the phone and is used up by the
    sign-up. `phone_vouched` is for doors that make members up themselves (the demo seed): the phone
    counts as verified without a code. The API never passes it."""
    now = now or utcnow()
    try:
        identity = parse_id_number(id_number)
    except IdNumberError as error:
        raise ValidationFailed({"id_number": [str(error)]}) from None
    if not is_adult(identity.birth_date, local_today(now)):
        raise Underage()
    password_hash = hash_password(password)  # slow on purpose: before the transaction, not inside it
    verify = current_app.config["PHONE_VERIFICATION"] and not phone_vouched
    unit = proving_phone(phone, "signup", sms_code, now) if verify else transaction()
    with unit:
        referrer_id = None
        if referral_code:
            referrer_id = referrer_for(referral_code)
            if referrer_id is None:
                raise ValidationFailed({"referral_code": [_("Unknown referral code.")]})
        member = Member(
            phone=phone, password_hash=password_hash, real_name=real_name,
            id_number_hash=identity.digest(), id_number_masked=identity.mask(),
            birth_date=identity.birth_date, gender=identity.gender, status="active", level_code="normal",
            phone_verified_at=now if verify or phone_vouched else None,
            points_balance=0, valid_until=local_today(now) + timedelta(days=current_app.config["MEMBER_VALIDITY_DAYS"]),
            referral_code=_new_referral_code(), referrer_id=referrer_id,
            consent_at=now, consent_version=current_app.config["CONSENT_POLICY_VERSION"], created_at=now,
        )
        db.session.add(member)
        try:
            db.session.flush()
        except IntegrityError as error:
            raise _taken(error) from None
        token, ttl = tokens.issue_token(member_id=member.id, now=now)
    return member, token, ttl


def referrer_for(referral_code) -> int | None:
    """The id of the member whose referral code this is (codes are case-insensitive)."""
    return db.session.scalar(select(Member.id).where(Member.referral_code == referral_code.upper()))


def _taken(error):
    what = violated_constraint(error)
    if "phone" in what:
        return PhoneTaken()
    if "id_number" in what:
        return IdNumberTaken()
    return Conflict()


def _new_referral_code():
    # 31^8 ≈ 8.5e11 codes: a collision is vanishingly rare and the UNIQUE constraint still guards it.
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))


def get_member(member_id) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound()
    return member


def update_profile(member_id, changes: dict, *, limit_region=True, now=None) -> Member:
    """Save profile fields. A member moves their region from one to another at most once per
    REGION_CHANGE_DAYS (setting the first one is free): 422 on region_code naming the day it may change next.
    An admin's correction (limit_region=False) is not limited and starts no wait."""
    now = now or utcnow()
    changes = dict(changes)
    with transaction():
        member = get_member(member_id)
        region = changes.pop("region_code", member.region_code)
        if region != member.region_code:
            if limit_region and member.region_code is not None:
                _move_region(member, region, now)
            else:
                member.region_code = region
        for name, value in changes.items():
            setattr(member, name, value)
    return member


def _move_region(member, region, now):
    """The guard is the UPDATE's own WHERE, so two changes sent at once cannot both pass it."""
    wait = timedelta(days=current_app.config["REGION_CHANGE_DAYS"])
    moved = guarded_update(Member.id, Member.id == member.id, or_(Member.region_changed_at.is_(None),
                                                                  Member.region_changed_at <= now - wait),
                           region_code=region, region_changed_at=now)
    db.session.refresh(member)
    if moved is None:
        raise ValidationFailed({"region_code": [
            _("The region can be changed once every %(days)s days; next on %(day)s.",
              days=wait.days, day=local_today(member.region_changed_at + wait).isoformat())]})


def change_password(member_id, token_id, old_password, new_password, now=None):
    """Set a new password; every other session of the member ends."""
    member = get_member(member_id)
    if not verify_password(member.password_hash, old_password):
        raise ValidationFailed({"old_password": [_("The current password is wrong.")]})
    try:
        check_password(new_password, member.phone)
    except Exception as error:  # marshmallow.ValidationError
        raise ValidationFailed({"new_password": [str(m) for m in getattr(error, "messages", [str(error)])]}) from None
    new_hash = hash_password(new_password)
    with transaction():
        member = get_member(member_id)
        member.password_hash = new_hash
        tokens.revoke_all(member_id=member_id, except_token_id=token_id, now=now)


def set_photo(member_id, data: bytes) -> Member:
    image = process_image(data, PHOTO_MAX_SIDE)
    store = storage()
    name = store.save("members", image, ".jpg")
    try:
        with transaction():
            member = get_member(member_id)
            old, member.photo_path = member.photo_path, name
    except BaseException:
        store.delete(name)
        raise
    store.delete(old)
    return member


def lock_member(member_id, reason, now=None) -> Member:
    """Lock the account: every token ends at once and logins answer ACCOUNT_LOCKED."""
    with transaction():
        member = get_member(member_id)
        member.status, member.lock_reason = "locked", reason
        tokens.revoke_all(member_id=member_id, now=now)
    return member


FREED_PREFIX = "freed:"


def release_identity(member_id, *, phone: bool, id_number: bool) -> Member:
    """Free a (locked) account's phone and/or ID number for their real owner, who proved them in an upheld
    identity appeal: the columns get a placeholder no phone or hash can equal, so UNIQUE lets the owner in."""
    with transaction():
        member = get_member(member_id)
        if phone:
            member.phone, member.phone_verified_at = f"{FREED_PREFIX}{member.id}", None
        if id_number:
            member.id_number_hash = f"{FREED_PREFIX}{member.id}"
    return member


def unlock_member(member_id, reason) -> Member:
    with transaction():
        member = get_member(member_id)
        member.status, member.lock_reason = "active", None
    return member


TEMP_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def reset_password(member_id, now=None) -> str:
    """An admin resets a forgotten password: a one-time temporary password is returned to be handed
    over, and every session of the member ends."""
    # Letters and digits mixed, so it passes check_password; 12 characters ≈ 70 bits.
    temporary = "".join(secrets.choice(TEMP_PASSWORD_ALPHABET) for _ in range(10)) + secrets.choice("23456789") + "a"
    new_hash = hash_password(temporary)
    with transaction():
        member = get_member(member_id)
        member.password_hash = new_hash
        tokens.revoke_all(member_id=member_id, now=now)
    return temporary


class InvalidExtension(ValidationFailed):
    def __init__(self):
        super().__init__({"days": [_("Extend by 1 to 3650 days.")]})


def extend_validity(member_id, days: int, now=None) -> Member:
    """Push the membership's end date `days` further, counted from today if it already ended."""
    if not isinstance(days, int) or not 1 <= days <= 3650:
        raise InvalidExtension()
    with transaction():
        member = get_member(member_id)
        member.valid_until = max(member.valid_until, local_today(now)) + timedelta(days=days)
    return member


class UnknownLevel(ValidationFailed):
    def __init__(self):
        super().__init__({"level_code": [_("Unknown membership level.")]}, code="UNKNOWN_LEVEL")


def set_level(member_id, level_code) -> Member:
    """Put a member on a level by hand (the reason is kept by the caller's audit record)."""
    from .models import MemberLevel

    with transaction():
        if db.session.get(MemberLevel, level_code) is None:
            raise UnknownLevel()
        member = get_member(member_id)
        member.level_code = level_code
        db.session.flush()
        db.session.expire(member, ["level"])
    return member
