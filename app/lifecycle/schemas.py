"""Admin shapes for levels, manual level changes and validity."""
from decimal import Decimal

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate

from ..members.schemas import AdminMemberSchema
from ..schema_fields import Date, Integer, Text


CENT = Decimal("0.01")
MIN_MULTIPLIER, MAX_MULTIPLIER = CENT, Decimal("99.99")  # what NUMERIC(4, 2) and CHECK (multiplier > 0) hold


class Multiplier(fields.Decimal):
    """An earning multiplier taken exactly as given: outside 0.01–99.99 or with more than two decimal places it
    is refused (a validator returning False would be ignored by marshmallow 4; rounding "1.999" to 2.00 would
    store something the admin did not write). Given back as a string with two places ("1.50")."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, **kwargs)  # no `places`: quantizing here would round silently

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_MULTIPLIER <= number <= MAX_MULTIPLIER:  # first: quantize() cannot take 1E+1000
            raise ValidationError(gettext("Must be between 0.01 and 99.99."))
        if number != number.quantize(CENT):
            raise ValidationError(gettext("At most two decimal places."))
        return number.quantize(CENT)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format(Decimal(value).quantize(CENT), "f")


class MemberLevelSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$"))
    name = Text(required=True, validate=validate.Length(min=1, max=32))
    min_points = Integer(required=True, validate=validate.Range(min=0, max=100_000_000))
    multiplier = Multiplier(required=True,
                            metadata={"type": "string", "example": "1.50", "pattern": r"^\d{1,2}(\.\d{1,2})?$",
                                      "description": "Earning multiplier the scan credit applies "
                                                     "(0.01 to 99.99, at most two decimal places)"})


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
    lapsed = fields.Boolean(required=True, metadata={"description": "Past its date: written off by the nightly "
                                                                    "run, or before the member's next spend"})


class PointsSummarySchema(Schema):
    balance = Integer(required=True)
    expiring = fields.List(fields.Nested(ExpiringPointsSchema), required=True)
    next_expiry = fields.Nested(ExpiringPointsSchema, allow_none=True)
