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
