"""Form fields shared by the console's code pages: a local (Asia/Shanghai) date-time, a product choice."""
from datetime import timezone

from sqlalchemy import select
from wtforms import DateTimeLocalField, SelectField

from ..extensions import db
from ..products.models import Product
from ..timeutil import LOCAL_TZ


class LocalDateTimeField(DateTimeLocalField):
    """Typed and shown in Shanghai time; `.utc` is the aware UTC value (None when empty)."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kw)

    def process_data(self, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
        super().process_data(value)

    @property
    def utc(self):
        return self.data.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc) if self.data else None


def product_choices(blank_label=None, active_only=False):
    statement = select(Product.id, Product.sku, Product.name, Product.status).order_by(Product.brand, Product.sku)
    if active_only:
        statement = statement.where(Product.status == "active")
    rows = db.session.execute(statement).all()
    choices = [("", blank_label)] if blank_label is not None else []
    return choices + [(str(r.id), f"{r.sku} {r.name}") for r in rows]


class ProductField(SelectField):
    """A product by id ('' = none); choices are filled per request with `product_choices`."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                         validate_choice=False, **kw)
