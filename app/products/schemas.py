"""Product shapes: the app's list item, the admin view, and the admin's create and edit bodies."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..pagination import PageQuery
from ..schema_fields import Integer, Money, Text

PRICE_CLASSES = {1: "一类", 2: "二类", 3: "三类", 4: "四类", 5: "五类"}


class ProductSchema(Schema):
    """What the app sees (API.md)."""

    id = Integer(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    brand = fields.String(required=True)
    pack_price = Money(required=True)
    carton_price = Money(required=True)
    points_per_pack = Integer(required=True)


class AdminProductSchema(ProductSchema):
    guide_price = Money(required=True)
    wholesale_price = Money(required=True)
    price_class = Integer(allow_none=True)
    price_class_name = fields.Method("_class_name", allow_none=True, metadata={"type": "string", "example": "一类"})
    status = fields.String(required=True, metadata={"enum": ["active", "retired"]})
    created_at = fields.DateTime(required=True)

    def _class_name(self, product):
        return PRICE_CLASSES.get(product.price_class)


class ProductCreateSchema(Schema):
    sku = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{1,32}$",
                                                                error=_l("1 to 32 letters, digits, . _ -")))
    name = Text(64, required=True)
    brand = Text(32, required=True)
    pack_price = Money(required=True)
    carton_price = Money(required=True)
    guide_price = Money(required=True, metadata={"description": "指导零售价, per pack"})
    wholesale_price = Money(required=True, metadata={"description": "批发价, per carton"})
    price_class = Integer(allow_none=True, validate=validate.Range(min=1, max=5),
                                 metadata={"description": "1 一类 … 5 五类"})
    points_per_pack = Integer(load_default=1, validate=validate.Range(min=0, max=10000))


class ProductUpdateSchema(ProductCreateSchema):
    class Meta:
        exclude = ("sku",)


class ProductListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["active", "retired"]))
