from marshmallow import Schema, fields

from .models import LEDGER_KINDS


class LedgerEntrySchema(Schema):
    id = fields.Integer(required=True)
    delta = fields.Integer(required=True, metadata={"description": "+ earn / − spend"})
    balance_after = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(LEDGER_KINDS)})
    ref = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class ExpiringPointsSchema(Schema):
    expires_on = fields.Date(required=True, metadata={"description": "Last day these points can be spent"})
    points = fields.Integer(required=True)
    lapsed = fields.Boolean(required=True, metadata={"description": "Past its date, written off by the next "
                                                                    "nightly run"})


class PointsSummarySchema(Schema):
    balance = fields.Integer(required=True)
    expiring = fields.List(fields.Nested(ExpiringPointsSchema), required=True)
    next_expiry = fields.Nested(ExpiringPointsSchema, allow_none=True)
