"""List pagination as API.md fixes it: ?page=1&per_page=20 (max 100) → {items, page, per_page, total}."""
from functools import cache

from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from .extensions import db
from .schema_fields import Integer


class PageQuery(Schema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


@cache
def page_schema(item_schema):
    """A named page-of-items schema, so the OpenAPI document shows one component per item type."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": Integer(required=True),
        "per_page": Integer(required=True),
        "total": Integer(required=True),
    })


def paginate(statement, page, per_page):
    """Run a select() for one page; returns the envelope dict with ORM objects as items."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}
