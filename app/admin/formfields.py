"""Form fields shared by the console's pages: a local (Asia/Shanghai) date-time, a product choice, a row id
chosen in a filter and an ISO week. Ids are bounded like the API's (1..2**31-1) and weeks to the API's dates
(2000..2099), so an absurd value is a field error, never a database overflow."""
from datetime import date, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateTimeLocalField, SelectField, StringField, ValidationError

from ..extensions import db
from ..observations.service import week_bounds
from ..products.models import Product
from ..schema_fields import MAX_ID
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
        super().__init__(label, validators, coerce=row_id, validate_choice=False, **kw)


def row_id(value) -> int | None:
    """A row id from a form ('' = none); ValueError unless a whole number in 1..2**31-1."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise ValueError(value)
        number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class IdSelectField(SelectField):
    """A row chosen from a list (or typed in the query string): its id as an int, None when blank."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, coerce=row_id, validate_choice=False, **kw)


def bounded_week(label: str) -> tuple[date, date]:
    """'2026-W47' → (its Monday, the next Monday); ValueError when malformed or outside 2000..2099."""
    return week_bounds((label or "").strip().upper())


class WeekField(StringField):
    """An ISO week like 2026-W47 (upper-cased, trimmed)."""

    def __init__(self, label=None, validators=None, **kw):
        kw.setdefault("render_kw", {"placeholder": "2026-W47"})
        super().__init__(label, validators, filters=[lambda v: v.strip().upper() if v else v], **kw)

    def pre_validate(self, form):
        if self.data:
            try:
                bounded_week(self.data)
            except ValueError:
                raise ValidationError(_l("Write the week as 2026-W47 (years 2000 to 2099).")) from None
