"""The member's own points ledger."""
from flask import g

from ..api import Blueprint
from ..auth.decorators import roles
from ..pagination import PageQuery, page_schema, paginate
from . import service
from .schemas import LedgerEntrySchema

blp = Blueprint("points", __name__, description="Points ledger (积分记录)")


@blp.route("/me/points", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(LedgerEntrySchema))
@roles("member")
def my_points(query):
    return paginate(service.ledger_query(g.caller.id), **query)
