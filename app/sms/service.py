"""Proving a phone by SMS code: send one, and use it up inside the use case it proves the phone for.

A code is 6 digits, stored only as an HMAC (keyed by SECRET_KEY, bound to the phone and purpose), valid for
SMS_CODE_TTL seconds, single-use, and dead after SMS_CODE_MAX_ATTEMPTS wrong tries. Using it is one guarded
UPDATE, so two requests racing with one code cannot both pass.
"""
import hashlib
import hmac
import secrets
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..db import guarded_update, transaction, utcnow
from ..errors import ValidationFailed
from ..extensions import db
from .backends import backend
from .models import SmsCode, SmsOutboxMessage


class SmsCodeInvalid(ValidationFailed):
    def __init__(self):
        super().__init__({"sms_code": [_("The code is wrong, expired or already used. Request a new one.")]},
                         code="SMS_CODE_INVALID")


def _digest(phone, purpose, code):
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"sms-code", hashlib.sha256).digest()
    return hmac.new(key, f"{phone}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(phone, purpose, now=None) -> int:
    """Send a fresh code to `phone` (11 national digits) for `purpose`; returns its lifetime in seconds.
    Earlier codes for the same phone and purpose stop working."""
    now = now or utcnow()
    ttl = current_app.config["SMS_CODE_TTL"]
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction():
        db.session.execute(update(SmsCode).where(*_live(phone, purpose)).values(used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.add(SmsCode(phone=phone, purpose=purpose, code_hash=_digest(phone, purpose, code),
                               expires_at=now + timedelta(seconds=ttl), attempts=0, created_at=now))
    # After the commit: a gateway that fails leaves a code nobody received, never a sent code that is not stored.
    backend().send_code(phone, code, max(1, ttl // 60))
    return ttl


def _live(phone, purpose):
    return SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None)


@contextmanager
def proving_phone(phone, purpose, code, now=None):
    """The unit of work of a use case that needs the phone proven: the code is used up in it (and stays
    unused if the use case fails). A wrong code counts an attempt, kept though the use case rolls back."""
    now = now or utcnow()
    try:
        with transaction():
            used = guarded_update(SmsCode.id, *_live(phone, purpose), SmsCode.expires_at > now,
                                  SmsCode.attempts < current_app.config["SMS_CODE_MAX_ATTEMPTS"],
                                  SmsCode.code_hash == _digest(phone, purpose, str(code or "")), used_at=now)
            if used is None:
                raise SmsCodeInvalid()
            yield
    except SmsCodeInvalid:
        with transaction():
            db.session.execute(update(SmsCode).where(*_live(phone, purpose))
                               .values(attempts=SmsCode.attempts + 1).execution_options(synchronize_session=False))
        raise


def outbox(limit=100):
    """The newest messages the outbox backend kept."""
    return db.session.scalars(select(SmsOutboxMessage)
                              .order_by(SmsOutboxMessage.created_at.desc(), SmsOutboxMessage.id.desc())
                              .limit(limit)).all()
