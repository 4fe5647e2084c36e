"""SQL for business time: the Asia/Shanghai date of a stored UTC timestamp, on SQLite and PostgreSQL."""
from datetime import date

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_date(FunctionElement):
    """local_date(Scan.created_at): the Shanghai calendar date (China keeps UTC+8 all year, no DST)."""

    type = Date()
    inherit_cache = True
    name = "local_date"


@compiles(local_date)
def _local_date_default(element, compiler, **kw):
    return "(%s AT TIME ZONE 'Asia/Shanghai')::date" % compiler.process(element.clauses, **kw)


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return "date(%s, '+8 hours')" % compiler.process(element.clauses, **kw)


def as_date(value) -> date:
    """SQLite answers 'YYYY-MM-DD' text where PostgreSQL answers a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
