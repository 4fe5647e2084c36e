"""Scanning, code-batch and earning-rule shapes (API.md "Pack codes and scanning")."""
from datetime import timezone

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from ..pagination import PageQuery
from ..schema_fields import MOMENT_PATTERN, Id, ImportResultSchema, Integer, LineErrorSchema, Text
from ..timeutil import LOCAL_TZ
from .batches import MAX_GENERATED, UNKNOWN_REGION, known_sales_region
from .models import RULE_KINDS
from .qr import MAX_PROOFS
from .service import mask_code


class When(fields.AwareDateTime):
    """A moment between 2000 and 2100, loaded as UTC. Without an offset it is Shanghai time: that is how
    the marketing team writes it."""

    def __init__(self, **kw):
        kw["metadata"] = {"pattern": MOMENT_PATTERN, **kw.get("metadata", {})}
        kw.setdefault("allow_none", True)
        super().__init__(default_timezone=LOCAL_TZ, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(timezone.utc)
        except OverflowError:
            moment = None
        if moment is None or not 2000 <= moment.year < 2100:
            raise ValidationError(gettext("Must be a time between 2000 and 2100."))
        return moment


class ScanBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "As scanned or typed; spaces, dashes, case and "
                                                                 "a URL wrapping the code are ignored",
                                                  "example": "J7QK-2M9X-PA4T-8HNC-5WRE-3BDY"})
    lat = fields.Float(validate=validate.Range(min=-90, max=90), allow_none=True)
    lon = fields.Float(validate=validate.Range(min=-180, max=180), allow_none=True)


class ProductRefSchema(Schema):
    id = Integer(required=True)
    name = fields.String(required=True)


class ScanResultSchema(Schema):
    scan_id = Integer(required=True)
    points_awarded = Integer(required=True)
    balance = Integer(required=True)
    product = fields.Nested(ProductRefSchema, required=True)


class MyScanSchema(Schema):
    scan_id = Integer(required=True, attribute="id")
    code = fields.Function(lambda scan: mask_code(scan.code), required=True, metadata={"type": "string",
                                                                                         "example": "J7QK****3BDY"})
    product = fields.Nested(ProductRefSchema, required=True)
    points_awarded = Integer(required=True)
    created_at = fields.DateTime(required=True)


# --- admin: batches --------------------------------------------------------------------

def _known_sales_region(code):
    if not known_sales_region(code):
        raise ValidationError(str(UNKNOWN_REGION))


def _sales_region(allow_none=True):
    return fields.String(allow_none=allow_none, validate=_known_sales_region,
                         metadata={"description": "the province (440000), city (440100) or county (440106) the batch "
                                                  "is shipped to: regional earning rules follow it; null = unknown, "
                                                  "and no regional rule applies", "example": "440100"})


class BatchCreateSchema(Schema):
    sku = Text(32, required=True)
    count = Integer(required=True, validate=validate.Range(min=1, max=MAX_GENERATED))
    valid_from = When()
    valid_until = When()
    region_code = _sales_region()
    note = Text(200, min_length=0, allow_none=True)


class BatchImportSchema(Schema):
    """The multipart/form-data body of an import: the batch's fields and the CSV file. A form field has no
    null (it is left out instead), so none is documented as nullable."""
    sku = Text(32, required=True)
    valid_from = When(allow_none=False)
    valid_until = When(allow_none=False)
    region_code = _sales_region(allow_none=False)
    note = Text(200, min_length=0)
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "CSV, UTF-8, one code per line in the first "
                                                              "column; an optional header `code`"})


class BatchSchema(Schema):
    id = Integer(required=True)
    sku = fields.String(required=True, attribute="product.sku")
    product = fields.Nested(ProductRefSchema, required=True)
    source = fields.String(required=True, metadata={"enum": ["generated", "imported"]})
    count = Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "voided"]})
    valid_from = fields.DateTime(allow_none=True)
    valid_until = fields.DateTime(allow_none=True)
    region_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class BatchImportResultSchema(ImportResultSchema):
    batch = fields.Nested(BatchSchema, required=True)
    duplicates = fields.List(fields.Nested(LineErrorSchema), required=True)


class BatchListQuery(PageQuery):
    product_id = Id()


class ProofsQuery(Schema):
    count = Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PROOFS))


class QrQuery(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=512))


# --- admin: earning rules -------------------------------------------------------------------

def _rule_value(value):
    if not 0 < value <= 1000:
        raise ValidationError(gettext("Must be more than 0 and at most 1000."))


class RuleBodySchema(Schema):
    name = Text(64, required=True, metadata={"example": "春节双倍积分"})
    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS, error=_l("Must be one of: {choices}.")),
                         metadata={"enum": list(RULE_KINDS)})
    value = fields.Decimal(required=True, places=2, as_string=True, validate=_rule_value,
                           metadata={"description": "multiply: the factor (2 = double); add: whole points per scan. "
                                                    "More than 0, at most 1000",
                                     "type": "string", "example": "2",
                                     "pattern": r"^([1-9][0-9]{0,2}(\.[0-9]{1,2})?|1000(\.0{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"})
    product_id = Id(allow_none=True, metadata={"description": "null = every product"})
    region_code = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{6}$"),
                                metadata={"description": "province (440000), city (440100) or county code; "
                                                         "null = everywhere"})
    starts_at = When()
    ends_at = When()


class RuleUpdateSchema(RuleBodySchema):
    """PATCH: any subset of the fields."""


class RuleSchema(RuleBodySchema):
    id = Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "retired"]})
    created_at = fields.DateTime(required=True)


class RuleListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["active", "retired"]))
