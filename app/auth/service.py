"""Sign-in, sign-out and staff accounts."""
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import transaction
from ..errors import ApiError, Conflict, Forbidden, NotFound
from ..extensions import db
from ..members.models import Member
from ..members.validators import check_password, normalize_phone
from . import tokens
from .models import StaffUser
from .passwords import hash_password, needs_rehash, verify_password


class BadCredentials(ApiError):
    status, code, message = 401, "BAD_CREDENTIALS", _l("Wrong account or password.")


class AccountLocked(Forbidden):
    code, message = "ACCOUNT_LOCKED", _l("This account is locked. Contact customer service.")


def _check(account, password):
    """Verify a password in constant-ish time whether or not the account exists. A locked account answers
    ACCOUNT_LOCKED whatever the password, so the answer never tells a right password from a wrong one."""
    verified = verify_password(account.password_hash if account else None, password)
    if account is not None and account.status != "active":
        raise AccountLocked()
    if not verified or account is None:
        raise BadCredentials()


def login_member(phone, password, now=None):
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        phone = None
    member = db.session.scalar(select(Member).where(Member.phone == phone)) if phone else None
    _check(member, password)
    with transaction():
        if needs_rehash(member.password_hash):
            db.session.get(Member, member.id).password_hash = hash_password(password)
        token, ttl = tokens.issue_token(member_id=member.id, now=now)
    return token, ttl, "member"


def login_staff(username, password, now=None):
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    _check(staff, password)
    role = staff.role
    with transaction():
        token, ttl = tokens.issue_token(staff_id=staff.id, now=now)
    return token, ttl, role


def logout(token_id, now=None):
    with transaction():
        tokens.revoke_token(token_id, now=now)


class UsernameTaken(Conflict):
    code, message = "USERNAME_TAKEN", _l("This username is taken.")


def create_staff(*, username, password, name, role="staff", phone=None, region_code=None):
    """Create a staff or admin account (CLI and admin API)."""
    check_password(password)
    with transaction():
        staff = StaffUser(username=username, name=name, role=role, password_hash=hash_password(password),
                          status="active", phone=phone, region_code=region_code)
        db.session.add(staff)
        try:
            db.session.flush()
        except IntegrityError:
            raise UsernameTaken() from None
    return staff


def get_staff(staff_id) -> StaffUser:
    staff = db.session.get(StaffUser, staff_id)
    if staff is None:
        raise NotFound()
    return staff


class CannotLockSelf(Conflict):
    code, message = "CANNOT_LOCK_SELF", _l("You cannot lock your own account.")


def set_staff_status(staff_id, status, by=None):
    """Lock or unlock a staff account; locking ends its sessions. `by` (the acting admin) may not lock
    themself out."""
    if by is not None and by == staff_id and status != "active":
        raise CannotLockSelf()
    with transaction():
        staff = get_staff(staff_id)
        staff.status = status
        if status != "active":
            tokens.revoke_all(staff_id=staff_id)
    return staff
