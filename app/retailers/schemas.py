"""Retailer shapes (API.md) for the admin API, the CSV import and the staff list."""
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, validate, validates, validates_schema

from ..members.validators import check_region_code
from ..pagination import PageQuery
from ..schema_fields import Integer, Patterned
from .models import CUSTOMER_CLASSES, DISTRICT_TYPES, FORMATS, MARKET_TYPES

# The Chinese names field staff and city lists use; the import accepts them as well as the codes.
LABELS = {
    "format": {"食杂店": "grocery", "便利店": "convenience", "超市": "supermarket", "商场": "mall",
               "烟酒商店": "tobacco_liquor", "娱乐服务类": "entertainment", "其他": "other"},
    "market_type": {"城镇": "urban", "乡村": "rural"},
    "district_type": {"商业(集贸)区": "commercial", "商业区": "commercial", "工业区": "industrial", "学区": "school",
                      "政务(商务)区": "government", "政务区": "government", "居民区": "residential",
                      "娱乐(旅游)区": "leisure", "旅客中转区": "transit", "其他": "other"},
    "customer_class": {"核心": "core", "重点": "key", "一般": "general"},
}
TRUTHY = {"1", "true", "True", "TRUE", "yes", "y", "是", "Y", True, 1}
FALSY = {"0", "false", "False", "FALSE", "no", "n", "否", "N", "", False, 0}


def _choice(values, default):
    return fields.String(load_default=default, validate=validate.OneOf(values, error=str(
        _l("Must be one of: {choices}."))), metadata={"enum": list(values)})


class RetailerInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    licence_no = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    owner = fields.String(allow_none=True, validate=validate.Length(max=50))
    operator = fields.String(allow_none=True, validate=validate.Length(max=50))
    customer_code = fields.String(allow_none=True, validate=validate.Length(max=32))
    order_phone = fields.String(allow_none=True, validate=validate.Length(max=20))
    address = fields.String(allow_none=True, validate=validate.Length(max=200))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    region_code = fields.String(required=True, metadata={"example": "440106"})
    format = _choice(FORMATS, "other")
    market_type = _choice(MARKET_TYPES, "urban")
    district_type = _choice(DISTRICT_TYPES, "other")
    customer_class = _choice(CUSTOMER_CLASSES, "general")
    is_chain = fields.Boolean(load_default=False, truthy=TRUTHY, falsy=FALSY)
    is_sample = fields.Boolean(load_default=False, truthy=TRUTHY, falsy=FALSY)

    @validates("region_code")
    def _region(self, value, **_):
        check_region_code(value)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _both_coordinates(self, data, original, **_):
        # Read the body as sent, so a badly written lat is reported once, as itself, not also as "missing".
        sent = original if isinstance(original, dict) else {}
        if (sent.get("lat") in (None, "")) != (sent.get("lon") in (None, "")):
            raise ValidationError(gettext("Give both lat and lon, or neither."), field_name="lat")


class RetailerPatchSchema(RetailerInSchema):
    """PATCH: any subset of the fields, plus closing or reopening the store."""

    status = fields.String(validate=validate.OneOf(["active", "closed"]), metadata={"enum": ["active", "closed"]})

    def load(self, data, **kwargs):
        return super().load(data, partial=True, **kwargs)

    def on_bind_field(self, field_name, field_obj):
        field_obj.load_default = missing  # a field left out stays as it is


class RetailerSchema(Schema):
    id = Integer(required=True)
    licence_no = fields.String(required=True)
    name = fields.String(required=True)
    owner = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    region_code = fields.String(required=True)
    format = fields.String(required=True, metadata={"enum": list(FORMATS)})
    market_type = fields.String(required=True, metadata={"enum": list(MARKET_TYPES)})
    district_type = fields.String(required=True, metadata={"enum": list(DISTRICT_TYPES)})
    customer_class = fields.String(required=True, metadata={"enum": list(CUSTOMER_CLASSES)})
    is_chain = fields.Boolean(required=True)
    is_sample = fields.Boolean(required=True)
    distance_m = Integer(metadata={"description": "metres from `near`; only when `near` is given"})


class AdminRetailerSchema(RetailerSchema):
    operator = fields.String(allow_none=True)
    customer_code = fields.String(allow_none=True)
    order_phone = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["active", "closed"]})
    created_at = fields.DateTime(required=True)


class NearField(Patterned):
    """`near=lat,lon` → (lat, lon)."""

    pattern = (r"^-?(90(\.0{1,8})?|[1-8]?[0-9](\.[0-9]{1,8})?),"
               r"-?(180(\.0{1,8})?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]{1,8})?)$")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            lat, lon = (float(part) for part in text.split(","))
        except ValueError:
            raise ValidationError(gettext("Write near as lat,lon in degrees.")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(gettext("Coordinates out of range."))
        return lat, lon


class StaffRetailerQuery(PageQuery):
    near = NearField(metadata={"example": "23.1291,113.3240"})
    radius_m = Integer(load_default=5000, validate=validate.Range(min=1, max=50000),
                              metadata={"description": "with `near`: how far to look (default 5 km)"})
    q = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "name, licence, address"})


class AdminRetailerQuery(StaffRetailerQuery):
    region_code = fields.String(validate=validate.Length(max=6))
    is_sample = fields.Boolean()


class ImportSchema(Schema):
    """The multipart/form-data body of an import: the mode and the CSV file."""
    mode = fields.String(load_default="all_or_nothing", validate=validate.OneOf(["all_or_nothing", "good_rows"]),
                         metadata={"description": "all_or_nothing: any bad row imports nothing; good_rows: "
                                                  "import the good rows and report the bad ones"})
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
