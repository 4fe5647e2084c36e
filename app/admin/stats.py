"""Statistics (统计分析) in the console: what the three pages share.

The pages are views only. Their query strings are read by the stats API's own marshmallow query schemas
(app/stats/schemas.py), and their figures come from the same service functions as GET /api/v1/admin/stats/…
(app/stats/*), so a figure on a page is the API's figure for the same filters. A filter value the schema
refuses is dropped with a notice and its default used instead: a bad query string never fails the page.

Each table of a page is a `Table` (columns as in listing.py); `?export=csv|xlsx&table=<name>` downloads one
table through export.py, audited like every console export. The views: stats_market.py (/admin/stats),
stats_members.py (/admin/stats/members), stats_points.py (/admin/stats/points).
"""
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from flask import render_template, request
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import EXCLUDE, ValidationError
from wtforms import DateField, SelectField

from .. import regions
from ..errors import ApiError
from ..stats.periods import GRANULARITIES
from ..validation_messages import translate
from . import export
from .actions import record_action
from .labels import options
from ..audit.masking import mask_filter_value
from .listing import Column, FilterForm

# Query arguments of the page itself, not filters of a statistic.
PAGE_ARGS = ("export", "table", "format")
GRANULARITY_LABELS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month")}
NOT_GIVEN = _l("Not filled in")


@dataclass(frozen=True)
class StatColumn(Column):
    show: Callable[[Any], Any] | None = None  # item → the cell on the page, when it differs from the export's


@dataclass(frozen=True)
class Table:
    """One table of a statistics page: its rows are dicts of a service's answer."""

    name: str
    title: Any
    columns: list

    def numeric(self, items) -> set:
        """Keys of the columns whose values are numbers (or missing): right-aligned on the page."""
        keys = set()
        for c in self.columns:
            values = [c.value(item) for item in items]
            if any(_is_number(v) for v in values) and all(v is None or _is_number(v) for v in values):
                keys.add(c.key)
        return keys

    def rows(self, items):
        """[(item, [(column, value shown, link)])] for the template."""
        out = []
        for item in items:
            cells = []
            for c in self.columns:
                shown = c.show(item) if getattr(c, "show", None) else c.value(item)
                cells.append((c, shown, c.link(item) if c.link else None))
            out.append((item, cells))
        return out


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_query(schema_class, given: dict, defaults: dict, labels: dict, notices: list) -> dict:
    """`given` (query arguments) loaded by an API query schema over `defaults`. A value the schema refuses
    is left out, with a notice naming the field, and the load tried again; unknown arguments are ignored."""
    given = {k: v.strip() for k, v in given.items() if k not in PAGE_ARGS and isinstance(v, str) and v.strip()}
    for key in [k for k, v in given.items() if any(unicodedata.category(ch) == "Cc" for ch in v)]:
        # The API refuses these before its schemas run (app/http.py); PostgreSQL cannot even compare them.
        refuse(notices, labels.get(key, key), given.pop(key).replace("\x00", ""),
               gettext("Control characters are not allowed."))
    schema = schema_class()
    while True:
        try:
            return schema.load({**defaults, **given}, unknown=EXCLUDE)
        except ValidationError as error:
            refused = [key for key in error.messages if key in given]
            if not refused and "_schema" in error.messages:
                refused = list(given)  # a rule across fields: drop them all
            if not refused:
                raise  # what is missing or wrong is not in the query string (a required value without default)
            for key in refused:
                messages = error.messages.get(key) or error.messages["_schema"]
                refuse(notices, labels.get(key, key), given.pop(key), translate(str(messages[0])))


def refuse(notices, field, value, message):
    notice(notices, gettext("%(field)s “%(value)s” was ignored: %(message)s", field=field, value=value[:40],
                            message=message))


def notice(notices: list, text):
    if str(text) not in notices:
        notices.append(str(text))


def compute_or(notices, compute, fallback):
    """`compute()`, or `fallback()` with a notice when the service refuses the filters (an unknown spec, a
    week its calendar cannot reach)."""
    try:
        return compute()
    except ApiError as error:
        notice(notices, gettext("The filters were not usable (%(reason)s); the defaults are shown.",
                                reason=error.message))
    except (ValueError, OverflowError):
        notice(notices, gettext("The filters were not usable; the defaults are shown."))
    return fallback()


def _export_note():
    """The page's filters for the audit note, masked like every list's (app/admin/listing.py)."""
    pairs = sorted((k, v) for k, v in request.args.items() if k not in ("export", "table") and v)
    return "&".join(f"{k}={mask_filter_value(k, v)}" for k, v in pairs)[:150]


def export_table(tables: dict, default: str, results: dict):
    """The response to ?export=csv|xlsx (one table, `?table=` or the page's first), or None."""
    fmt = request.args.get("export")
    if fmt not in export.FORMATS:
        return None
    name = request.args.get("table") if request.args.get("table") in tables else default
    table, items = tables[name], results[name]
    record_action("export", target_type=table.name, note=f"{fmt} {len(items)} rows {_export_note()}")
    return export.response(table, items, fmt)


def render_page(template, tables, default, results, **context):
    """The page, or one of its tables as a download."""
    return export_table(tables, default, results) or render_template(
        template, tables=tables, results=results, **context)


class RangeForm(FilterForm):
    """Dates and granularity as the page shows them (values are read by the API's schema, not here)."""

    start = DateField(_l("From"), name="from")
    end = DateField(_l("To"), name="to")
    granularity = SelectField(_l("Per"), choices=options(GRANULARITY_LABELS.items()))


RANGE_LABELS = {"from": _l("From"), "to": _l("To"), "granularity": _l("Per")}


def range_form(form_class, data: dict, **extra):
    """A filter form showing the values in use (after defaults and refusals), not the raw query string."""
    return form_class(formdata=None, data={"start": data["start"], "end": data["end"],
                                           "granularity": data.get("granularity", GRANULARITIES[0]), **extra})


def region_name(code):
    return (regions.full_name(code) or code) if code else NOT_GIVEN


def percent(value):
    return "—" if value is None else f"{value * 100:.2f}%"


def number(value, places=2):
    return "—" if value is None else f"{value:.{places}f}"


def bars(items, key, label=lambda item: item["period"]):
    """[(label, value, height 0..1)] of a series for the charts."""
    values = [item[key] for item in items]
    top = max([abs(v) for v in values] + [1])
    return [(label(item), value, max(value, 0) / top) for item, value in zip(items, values)]
