"""Identity appeal shapes: what the appellant sends and sees, and the admin's view and decision."""
from marshmallow import Schema, fields, validate

from ..members.schemas import PhoneField, RealNameField
from ..members.validators import ID_NUMBER_PATTERN
from ..pagination import PageQuery
from ..schema_fields import Integer, Text
from .models import DECISIONS, STATUSES


class AppealCreateSchema(Schema):
    phone = PhoneField(required=True, metadata={"description": "the appellant's phone, held by another account "
                                                              "or not"})
    sms_code = fields.String(required=True, load_only=True, validate=validate.Length(max=16),
                             metadata={"description": "from POST /auth/sms-codes with purpose appeal"})
    real_name = RealNameField(required=True)
    id_number = fields.String(required=True, load_only=True, validate=validate.Length(max=32),
                              metadata={"description": "居民身份证号; never returned",
                                        "pattern": ID_NUMBER_PATTERN})
    note = Text(500, multiline=True, load_default=None, allow_none=True)


class AppealSchema(Schema):
    id = Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    created_at = fields.DateTime(required=True)


class AdminAppealSchema(AppealSchema):
    phone = fields.String(required=True, attribute="masked_phone")
    real_name = fields.String(required=True)
    id_number_masked = fields.String(required=True)
    note = fields.String(allow_none=True)
    phone_holder_id = Integer(allow_none=True)
    id_holder_id = Integer(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    resolved_by = Integer(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)


class AppealResolveSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS), metadata={"enum": list(DECISIONS)})
    reason = Text(200, required=True)


class AdminAppealQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
