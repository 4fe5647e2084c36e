from marshmallow import Schema, fields

from ..schema_fields import Integer
from .models import LEDGER_KINDS


class LedgerEntrySchema(Schema):
    id = Integer(required=True)
    delta = Integer(required=True, metadata={"description": "+ earn / − spend"})
    balance_after = Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(LEDGER_KINDS)})
    ref = fields.String(allow_none=True, metadata={
        "description": "what moved the points, as kind:id — scan:12, redemption:7, exchange:3 (a promo item), "
                       "complaint:5, referral:41 (the referred member), lot:9 (the lot that expired)",
        "example": "scan:12"})
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
