"""SMS code request and outbox shapes (API.md, Security additions)."""
from marshmallow import Schema, fields, validate

from ..members.schemas import PhoneField
from ..schema_fields import Integer
from .models import PURPOSES


class SmsCodeRequestSchema(Schema):
    phone = PhoneField(required=True, metadata={"example": "13800138000"})
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES), metadata={"enum": list(PURPOSES)})


class SmsCodeSentSchema(Schema):
    expires_in = Integer(required=True, metadata={"description": "seconds the code stays valid"})


class OutboxMessageSchema(Schema):
    phone = fields.String(required=True)
    text = fields.String(required=True)
    created_at = fields.DateTime(required=True)
