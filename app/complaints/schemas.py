"""Complaint shapes (API.md), with the admin view showing who handles it."""
from marshmallow import Schema, fields, validate

from flask_babel import lazy_gettext as _l

from ..products.models import Product
from ..schema_fields import Id, Integer, Text
from .models import KINDS, STATUSES


class ComplaintCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata={"enum": list(KINDS)})
    content = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))
    product_id = Id(allow_none=True, exists=(Product, _l("No such product.")))
    pack_code = Text(allow_none=True, validate=validate.Length(max=64))


class ComplaintSchema(Schema):
    id = Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    content = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    result = fields.String(allow_none=True)
    reward_points = Integer(required=True)
    created_at = fields.DateTime(required=True)


class AdminComplaintSchema(ComplaintSchema):
    member_id = Integer(required=True)
    product_id = Integer(allow_none=True)
    pack_code = fields.String(allow_none=True)
    assignee_id = Integer(allow_none=True)
    handled_by = Integer(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class AssignSchema(Schema):
    staff_id = Id(required=True)


class AnswerSchema(Schema):
    result = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))


class ResolveSchema(AnswerSchema):
    reward_points = Integer(load_default=0, validate=validate.Range(min=0, max=100_000))


class AdminComplaintQuery(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    assignee_id = Id()
