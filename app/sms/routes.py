"""SMS codes: anyone may ask for one (throttled per phone and per address); admins read the demo outbox."""
from flask import current_app, request
from marshmallow import ValidationError

from ..api import Blueprint
from ..auth.decorators import public, roles
from ..errors import ErrorSchema, NotFound
from ..extensions import limiter
from ..members.validators import normalize_phone
from . import service
from .backends import backend
from .schemas import OutboxMessageSchema, SmsCodeRequestSchema, SmsCodeSentSchema

blp = Blueprint("sms", __name__, description="SMS verification codes (短信验证码)")


def phone_key():
    """The per-phone limit counts the number itself, however it is written (+86, dashes, full-width digits)."""
    raw = str((request.get_json(silent=True) or {}).get("phone", ""))[:64]
    try:
        phone = normalize_phone(raw)
    except ValidationError:
        phone = "invalid"  # refused by the schema anyway; still counted, under one key
    return f"sms-code:phone:{phone}"


@blp.route("/auth/sms-codes", methods=["POST"])
@blp.arguments(SmsCodeRequestSchema)
@blp.response(202, SmsCodeSentSchema)
@blp.alt_response(429, schema=ErrorSchema, description="Too many codes for this phone or from this address")
@blp.alt_response(503, schema=ErrorSchema, description="SMS_UNAVAILABLE: the gateway refused")
@limiter.limit(lambda: current_app.config["SMS_LIMIT_PER_IP"])
@limiter.limit(lambda: current_app.config["SMS_LIMIT_PER_PHONE"], key_func=phone_key)
@public
def request_code(body):
    return {"expires_in": service.send_code(body["phone"], body["purpose"])}


@blp.route("/admin/sms-outbox", methods=["GET"])
@blp.response(200, OutboxMessageSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="A real SMS gateway is configured: there is no outbox")
@roles("admin")
def admin_outbox():
    if backend().name != "outbox":
        raise NotFound()
    return service.outbox()
