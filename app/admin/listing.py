"""Console lists: filter, sort, paginate and export (?export=csv|xlsx), declared once per list.

A page declares a `ListSpec` (its columns, sortable keys, filter form and query) and registers it;
`show_list(spec, template)` does the rest. The same spec serves the background export task, so a list
too long to export in the request exports through `POST /admin/exports/<spec name>` with progress.

    MEMBERS = register(ListSpec(
        name="members", title=_l("Members"), filter_form=MemberFilter, query=member_query,
        columns=[Column("id", _l("ID"), lambda m: m.id, sort=Member.id), ...],
        default_sort="-id"))
"""
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from ..pagination import paginate
from . import export

PER_PAGE_CHOICES = (20, 50, 100)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string
    value: Callable[[Any], Any]
    sort: Any = None  # the SQL expression to order by, if sortable
    link: Callable[[Any], str] | None = None  # endpoint URL for the cell, in the page only


@dataclass
class ListSpec:
    name: str
    title: Any
    columns: list[Column]
    query: Callable[[dict], Select]  # validated filter data → select()
    filter_form: type | None = None
    default_sort: str = "-id"
    tiebreak: Any = None  # a unique column, so pages never overlap when sort keys tie
    extra: dict = field(default_factory=dict)

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
    data = {name: f.data for name, f in form._fields.items() if not f.errors and f.data not in (None, "", [])}
    return form, data


def where_equal(statement: Select, filters: dict, columns: dict) -> Select:
    """Apply the filters that are plain equality: {"status": Member.status, ...}."""
    for name, column in columns.items():
        if filters.get(name) not in (None, ""):
            statement = statement.where(column == filters[name])
    return statement


def ordered(spec: ListSpec, statement: Select, sort: str | None) -> tuple[Select, str]:
    sort = sort or spec.default_sort
    column = spec.column(sort.lstrip("-"))
    if column is None or column.sort is None:
        sort = spec.default_sort
        column = spec.column(sort.lstrip("-"))
    expression = column.sort.desc() if sort.startswith("-") else column.sort.asc()
    tiebreak = spec.tiebreak if spec.tiebreak is not None else column.sort
    return statement.order_by(expression, tiebreak.desc() if sort.startswith("-") else tiebreak.asc()), sort


def statement_for(spec: ListSpec, args: MultiDict) -> Select:
    _form, data = read_filters(spec, args)
    statement, _sort = ordered(spec, spec.query(data), args.get("sort"))
    return statement


def _int_arg(name, default, allowed=None, maximum=100000):
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        return default
    if allowed is not None and value not in allowed:
        return default
    return min(max(value, 1), maximum)


def show_list(spec: ListSpec, template: str, **context):
    """Render a list page, or its export when ?export=csv|xlsx."""
    form, data = read_filters(spec, request.args)
    statement, sort = ordered(spec, spec.query(data), request.args.get("sort"))
    fmt = request.args.get("export")
    if fmt in export.FORMATS:
        return _export_now(spec, statement, fmt)
    page = paginate(statement, _int_arg("page", 1), _int_arg("per_page", 20, PER_PAGE_CHOICES))
    return render_template(template, spec=spec, page=page, form=form, sort=sort, **context)


def _export_now(spec, statement, fmt):
    from .actions import record_action

    limit = current_app.config["EXPORT_SYNC_MAX_ROWS"]
    rows = export.fetch(statement, limit + 1)
    if len(rows) > limit:
        flash(_l("This list has more than %(n)s rows: use “Export in background”.", n=limit), "warning")
        return redirect(list_url(export=None))
    record_action("export", target_type=spec.name, note=f"{fmt} {len(rows)} rows {_query_note()}")
    return export.response(spec, rows, fmt)


def _query_note():
    args = {k: v for k, v in request.args.items() if k not in ("export", "page") and v}
    return "&".join(f"{k}={v}" for k, v in sorted(args.items()))[:150]


def list_url(**changes):
    """The current list URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
