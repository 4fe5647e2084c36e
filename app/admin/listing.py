"""Console lists: filter, sort, paginate and export (?export=csv|xlsx), declared once per list.

A page declares a `ListSpec` (its columns, sortable keys, filter form and query) and registers it;
`show_list(spec, template)` does the rest. The same spec serves the background export task, so a list
too long to export in the request exports through `POST /admin/exports/<spec name>` with progress.

    MEMBERS = register(ListSpec(
        name="members", title=_l("Members"), filter_form=MemberFilter, query=member_query,
        columns=[Column("id", _l("ID"), lambda m: m.id, sort=Member.id), ...],
        default_sort="-id"))

A list the service computes in memory (a week's plan-vs-actual, the catalogue with its stock flags) gives
`rows` instead of `query`: its columns' `sort` are then key functions, and pages are slices. `prepare`
fills values computed per row for a page (or an export) in one go rather than one query per cell.

Filter values are bounded here, once for every list: dates to 2000..2099, numbers to 32-bit ids, no control
characters; a value out of bounds is a field error and the filter is ignored, never a 500.
"""
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any, Callable

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from ..audit.masking import mask_filter_value
from ..extensions import db
from ..pagination import paginate
from ..schema_fields import MAX_DATE, MAX_ID, MIN_DATE
from . import export

PER_PAGE_CHOICES = (20, 50, 100)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string
    value: Callable[[Any], Any]
    sort: Any = None  # the SQL expression to order by (a key function for a `rows` list), if sortable
    link: Callable[[Any], str] | None = None  # endpoint URL for the cell, in the page only


@dataclass
class ListSpec:
    name: str
    title: Any
    columns: list[Column]
    query: Callable[[dict], Select] | None = None  # validated filter data → select()
    filter_form: type | None = None
    default_sort: str = "-id"
    tiebreak: Any = None  # a unique column, so pages never overlap when sort keys tie
    extra: dict = field(default_factory=dict)
    rows: Callable[[dict], list] | None = None  # instead of `query`: validated filter data → the rows
    prepare: Callable[[list], None] | None = None  # fills per-row computed values of a page or an export

    def column(self, key):
        return next((c for c in self.columns if c.key == key), None)


SPECS: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> ListSpec:
    SPECS[spec.name] = spec
    return spec


class FilterForm(FlaskForm):
    """Base for GET filter forms: read from the query string, no CSRF (they change nothing)."""

    class Meta:
        csrf = False


def read_filters(spec: ListSpec, args: MultiDict):
    """(form, data): the filter form bound to args and its valid data (invalid fields are ignored)."""
    if spec.filter_form is None:
        return None, {}
    form = spec.filter_form(formdata=args, meta={"csrf": False})
    form.validate()
    _bound(form)
    data = {name: f.data for name, f in form._fields.items() if not f.errors and f.data not in (None, "", [])}
    return form, data


OUT_OF_BOUNDS = _l("This value is out of range, so it was ignored.")


def _out_of_bounds(value) -> bool:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return not MIN_DATE <= value <= MAX_DATE
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) > MAX_ID
    if isinstance(value, str):
        return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value)
    return False


def _bound(form):
    """Mark a field whose value no query could take (year 9999, 10**20, a NUL) as an error."""
    for f in form:
        if not f.errors and _out_of_bounds(f.data):
            f.errors = [*f.errors, OUT_OF_BOUNDS]


def where_equal(statement: Select, filters: dict, columns: dict) -> Select:
    """Apply the filters that are plain equality: {"status": Member.status, ...}."""
    for name, column in columns.items():
        if filters.get(name) not in (None, ""):
            statement = statement.where(column == filters[name])
    return statement


def _sort_column(spec: ListSpec, sort: str | None) -> tuple[Column, str]:
    sort = sort or spec.default_sort
    column = spec.column(sort.lstrip("-"))
    if column is None or column.sort is None:
        sort = spec.default_sort
        column = spec.column(sort.lstrip("-"))
    return column, sort


def ordered(spec: ListSpec, statement: Select, sort: str | None) -> tuple[Select, str]:
    column, sort = _sort_column(spec, sort)
    expression = column.sort.desc() if sort.startswith("-") else column.sort.asc()
    tiebreak = spec.tiebreak if spec.tiebreak is not None else column.sort
    return statement.order_by(expression, tiebreak.desc() if sort.startswith("-") else tiebreak.asc()), sort


def _none_last(key):
    def wrapped(item):
        value = key(item)
        return (value is None, value if value is not None else 0)
    return wrapped


def sorted_rows(spec: ListSpec, rows: list, sort: str | None) -> tuple[list, str]:
    column, sort = _sort_column(spec, sort)
    return sorted(rows, key=_none_last(column.sort), reverse=sort.startswith("-")), sort


def selection(spec: ListSpec, data: dict, sort: str | None):
    """(the sorted select(), or the sorted rows of a `rows` list; the sort applied)."""
    if spec.rows is not None:
        return sorted_rows(spec, list(spec.rows(data)), sort)
    return ordered(spec, spec.query(data), sort)


def prepared(spec: ListSpec, items):
    if spec.prepare is not None and items:
        spec.prepare(items)
    return items


def _prepared_stream(spec, items, size=500):
    while chunk := list(islice(items, size)):
        yield from prepared(spec, chunk)


def export_rows(spec: ListSpec, args: MultiDict):
    """(how many rows, an iterable of them) for the background export: a query streams in batches."""
    _form, data = read_filters(spec, args)
    source, _sort = selection(spec, data, args.get("sort"))
    if isinstance(source, list):
        return len(source), prepared(spec, source)
    rows = db.session.scalars(source.execution_options(yield_per=500))
    return export.count(source), _prepared_stream(spec, iter(rows))


def _int_arg(name, default, allowed=None, maximum=100000):
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        return default
    if allowed is not None and value not in allowed:
        return default
    return min(max(value, 1), maximum)


def _page(source, page, per_page):
    if isinstance(source, list):
        first = (page - 1) * per_page
        return {"items": source[first:first + per_page], "page": page, "per_page": per_page, "total": len(source)}
    return paginate(source, page, per_page)


def show_list(spec: ListSpec, template: str, **context):
    """Render a list page, or its export when ?export=csv|xlsx. The template gets `chosen`: the valid filters."""
    form, data = read_filters(spec, request.args)
    source, sort = selection(spec, data, request.args.get("sort"))
    fmt = request.args.get("export")
    if fmt in export.FORMATS:
        return _export_now(spec, source, fmt)
    page = _page(source, _int_arg("page", 1), _int_arg("per_page", 20, PER_PAGE_CHOICES))
    prepared(spec, page["items"])
    return render_template(template, spec=spec, page=page, form=form, sort=sort, chosen=data, **context)


def _export_now(spec, source, fmt):
    from .actions import record_action

    limit = current_app.config["EXPORT_SYNC_MAX_ROWS"]
    rows = source[:limit + 1] if isinstance(source, list) else export.fetch(source, limit + 1)
    if len(rows) > limit:
        flash(_l("This list has more than %(n)s rows: use “Export in background”.", n=limit), "warning")
        return redirect(list_url(export=None))
    record_action("export", target_type=spec.name, note=f"{fmt} {len(rows)} rows {query_note(spec, request.args)}")
    return export.response(spec, prepared(spec, rows), fmt)


def query_note(spec: ListSpec, args) -> str:
    """The list's filters and sort for an audit note: only the list's own arguments, personal ones masked."""
    known = {"sort"} | {name for name in dir(spec.filter_form or object)
                        if isinstance(getattr(spec.filter_form, name, None), UnboundField)}
    pairs = sorted((k, v) for k, v in args.items() if k in known and v)
    return "&".join(f"{k}={mask_filter_value(k, v)}" for k, v in pairs)[:150]


def list_url(**changes):
    """The current list URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
