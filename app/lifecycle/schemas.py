"""Admin shapes for levels, manual level changes and validity."""
from decimal import Decimal

from marshmallow import Schema, fields, validate

from ..members.schemas import AdminMemberSchema
from ..schema_fields import Date, Integer, Text


class MemberLevelSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$"))
    name = Text(required=True, validate=validate.Length(min=1, max=32))
    min_points = Integer(required=True, validate=validate.Range(min=0, max=100_000_000))
    multiplier = fields.Decimal(required=True, places=2, as_string=True,
                                validate=lambda value: Decimal("0.01") <= value <= Decimal("99.99"),
                                metadata={"type": "string", "example": "1.50", "pattern": r"^\d{1,2}(\.\d{1,2})?$",
                                          "description": "Earning multiplier the scan credit applies "
                                                         "(0.01 to 99.99)"})


class LevelUpdateSchema(MemberLevelSchema):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        kwargs.setdefault("exclude", ("code",))
        super().__init__(*args, **kwargs)


class SetLevelSchema(Schema):
    level_code = fields.String(required=True, allow_none=True,
                               metadata={"description": "null returns the member to automatic levels"})
    reason = Text(required=True, validate=validate.Length(min=1, max=200))


class SetValiditySchema(Schema):
    valid_until = Date(required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=200))


class LifecycleMemberSchema(AdminMemberSchema):
    level_pinned = fields.Boolean(required=True)


class RecordedChangeSchema(Schema):
    id = Integer(required=True)
    source = fields.String(required=True, metadata={"enum": ["auto", "admin"]})
    reason = fields.String(allow_none=True)
    staff_id = Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class LevelChangeSchema(RecordedChangeSchema):
    from_code = fields.String(required=True)
    to_code = fields.String(allow_none=True)
    earned_points = Integer(allow_none=True)


class ValidityChangeSchema(RecordedChangeSchema):
    from_date = Date(required=True)
    to_date = Date(required=True)


class ExpiringPointsSchema(Schema):
    expires_on = Date(required=True, metadata={"description": "Last day these points can be spent"})
    points = Integer(required=True)
    lapsed = fields.Boolean(required=True, metadata={"description": "Past its date, written off by the next "
                                                                    "nightly run"})


class PointsSummarySchema(Schema):
    balance = Integer(required=True)
    expiring = fields.List(fields.Nested(ExpiringPointsSchema), required=True)
    next_expiry = fields.Nested(ExpiringPointsSchema, allow_none=True)
