"""Shapes of 领用审批 (requisitions above the quota) and 领用额度 (the monthly quotas)."""
from marshmallow import Schema, fields, validate

from ..pagination import PageQuery
from ..schema_fields import Id, Integer
from .models import REQUISITION_STATUSES


class RequisitionSchema(Schema):
    id = Integer(required=True)
    staff_id = Integer(required=True)
    item_id = Integer(required=True)
    item_name = fields.String(attribute="item.name", required=True)
    quantity = Integer(required=True)
    activity_id = Integer(allow_none=True)
    note = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": list(REQUISITION_STATUSES)})
    decided_by = Integer(allow_none=True, metadata={"description": "the admin who approved or rejected it"})
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "the rejection's reason, or the approval's note"})
    movement_id = Integer(allow_none=True, metadata={"description": "the stock movement made on approval"})
    created_at = fields.DateTime(required=True)
    on_hand = Integer(metadata={"description": "the staff member's new quantity; on the answer to an approval only"})
    warehouse_on_hand = Integer(metadata={"description": "on the answer to an approval only"})


class OwnRequisitionQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(REQUISITION_STATUSES), metadata={"enum": list(REQUISITION_STATUSES)})


class RequisitionQuery(OwnRequisitionQuery):
    staff_id = Id()
    item_id = Id()


class ApproveSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class RejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "本月已超计划"})


class QuotaSchema(Schema):
    staff_id = Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    monthly_quantity = Integer(required=True, metadata={"description": "units per item per month without approval"})
    own = fields.Boolean(required=True, metadata={"description": "false: the default quota applies"})


class QuotaListSchema(Schema):
    default_quantity = Integer(required=True, metadata={"description": "PROMO_REQUISITION_QUOTA"})
    items = fields.List(fields.Nested(QuotaSchema), required=True)


class QuotaInSchema(Schema):
    monthly_quantity = Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
