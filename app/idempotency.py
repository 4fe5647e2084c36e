"""Idempotency-Key for POSTs that move points or stock (API.md, DESIGN.md rule 4).

The key row is inserted in the same transaction as the effect and holds the response, so a
repeat returns the first answer and can never cause a second effect: a concurrent duplicate
blocks on the UNIQUE index until the first commits, then replays it. Business errors (4xx
ApiError) are remembered too, in their own transaction, since nothing else was written.
"""
import hashlib
import json
from datetime import timedelta
from functools import wraps

from flask import Response, g, make_response, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .db import transaction, utcnow
from .errors import ApiError, ValidationFailed, handle_api_error
from .extensions import db
from .models_base import TimestampMixin

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 64
KEEP_FOR = timedelta(hours=48)  # API.md promises at least 24 hours


class IdempotencyRecord(TimestampMixin, db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_keys_caller_key"),
                      Index("ix_idempotency_keys_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)


class KeyReused(ApiError):
    status, code, message = 422, "IDEMPOTENCY_KEY_REUSED", _l("This Idempotency-Key was used with another request.")


def _request_hash():
    body = request.get_data(cache=True)
    try:  # the same JSON written with other spacing or key order is the same request
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
    except ValueError:
        pass
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _find(caller, key):
    return db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.caller == caller,
                                                             IdempotencyRecord.key == key))


def _replay(record, request_hash):
    if record.request_hash != request_hash:
        raise KeyReused()
    response = Response(record.response_body, status=record.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Wrap a view (outside @blp.response, so the stored answer is the serialised one)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise ValidationFailed({HEADER: [gettext("From 1 to %(n)d characters.", n=MAX_KEY_LENGTH)]})
        caller, request_hash = g.caller.key, _request_hash()
        existing = _find(caller, key)
        if existing is not None:
            return _replay(existing, request_hash)
        try:
            with transaction():
                record = IdempotencyRecord(caller=caller, key=key, request_hash=request_hash, created_at=utcnow())
                db.session.add(record)
                db.session.flush()  # a concurrent twin waits here until we commit, then fails
                response = make_response(view(*args, **kwargs))
                record.status_code, record.response_body = response.status_code, response.get_data(as_text=True)
            return response
        except IntegrityError:
            db.session.rollback()
            return _replay(_find(caller, key), request_hash)
        except ApiError as error:
            _remember_error(caller, key, request_hash, error)
            raise

    wrapper._apidoc = dict(getattr(wrapper, "_apidoc", {}))
    manual = dict(wrapper._apidoc.get("manual_doc", {}))
    manual["parameters"] = list(manual.get("parameters", [])) + [{
        "in": "header", "name": HEADER, "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
        "description": "Repeat-safe retries: the same key returns the first answer, with no second effect.",
    }]
    wrapper._apidoc["manual_doc"] = manual
    return wrapper


def _remember_error(caller, key, request_hash, error):
    if error.status >= 500 or error.status == 429:
        # A rate limit is about the moment, not the request: the retry after Retry-After must run.
        return
    try:
        with transaction():
            db.session.add(IdempotencyRecord(caller=caller, key=key, request_hash=request_hash, created_at=utcnow(),
                                             status_code=error.status,
                                             response_body=handle_api_error(error).get_data(as_text=True)))
    except IntegrityError:
        db.session.rollback()


def purge_expired(now=None):
    """Scheduled: drop keys older than KEEP_FOR. Returns how many went."""
    with transaction():
        result = db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < (now or utcnow()) - KEEP_FOR))
    return result.rowcount
