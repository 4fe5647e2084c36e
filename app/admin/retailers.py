"""Retailers (零售客户): list with filters and export, create and edit, and the CSV import (in the request,
or as a background task for a large file) with its error report by line."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms import BooleanField, DecimalField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .. import regions
from ..errors import ApiError
from ..retailers import service
from ..retailers.models import CUSTOMER_CLASSES, DISTRICT_TYPES, FORMATS, MARKET_TYPES, Retailer
from ..retailers.schemas import RetailerInSchema, RetailerPatchSchema
from ..retailers import tasks as retailer_tasks
from . import bp
from .actions import audited, flash_error, perform
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

AUDIT_FIELDS = ("licence_no", "name", "owner", "operator", "customer_code", "order_phone", "address", "lat", "lon",
                "region_code", "format", "market_type", "district_type", "customer_class", "is_chain", "is_sample",
                "status")
FORMAT_LABELS = {"grocery": _l("Grocery"), "convenience": _l("Convenience store"), "supermarket": _l("Supermarket"),
                 "mall": _l("Shopping mall"), "tobacco_liquor": _l("Tobacco and liquor shop"),
                 "entertainment": _l("Entertainment venue"), "other": _l("Other")}
MARKET_LABELS = {"urban": _l("Urban"), "rural": _l("Rural")}
DISTRICT_LABELS = {"commercial": _l("Commercial district"), "industrial": _l("Industrial district"),
                   "school": _l("School district"), "government": _l("Government district"),
                   "residential": _l("Residential district"), "leisure": _l("Leisure district"),
                   "transit": _l("Transit hub"), "other": _l("Other")}
CLASS_LABELS = {"core": _l("Core"), "key": _l("Key"), "general": _l("General"), "none": _l("Not a target customer")}
RETAILER_STATUS_LABELS = {"active": _l("Open"), "closed": _l("Closed")}


def _pick(codes, labels, blank=None):
    return options(([("", blank)] if blank else []) + [(code, labels[code]) for code in codes])


class RetailerFilter(FilterForm):
    q = StringField(_l("Name, licence or address"), validators=[Optional(), Length(max=50)])
    region = StringField(_l("Region code"), validators=[Optional(), Length(min=2, max=6)])
    format = SelectField(_l("Format"), choices=_pick(FORMATS, FORMAT_LABELS, _l("Any")), validators=[Optional()])
    market_type = SelectField(_l("Market type"), choices=_pick(MARKET_TYPES, MARKET_LABELS, _l("Any")),
                              validators=[Optional()])
    district_type = SelectField(_l("District"), choices=_pick(DISTRICT_TYPES, DISTRICT_LABELS, _l("Any")),
                                validators=[Optional()])
    customer_class = SelectField(_l("Class"), choices=_pick(CUSTOMER_CLASSES, CLASS_LABELS, _l("Any")),
                                 validators=[Optional()])
    sample = SelectField(_l("Sample"), choices=options([("", _l("Any")), ("yes", _l("Sample only")),
                                                        ("no", _l("Not sample"))]), validators=[Optional()])


def retailer_query(filters):
    statement = service._search(select(Retailer), (filters.get("q") or "").strip())
    if region := filters.get("region"):
        statement = statement.where(Retailer.region_code.startswith(service.region_prefix(region.strip())))
    if filters.get("sample") in ("yes", "no"):
        statement = statement.where(Retailer.is_sample == (filters["sample"] == "yes"))
    return where_equal(statement, filters, {"format": Retailer.format, "market_type": Retailer.market_type,
                                            "district_type": Retailer.district_type,
                                            "customer_class": Retailer.customer_class})


def _yes(value):
    return _l("Yes") if value else ""


RETAILERS = register(ListSpec(
    name="retailers", title=_l("Retailers"), filter_form=RetailerFilter, query=retailer_query, default_sort="-id",
    tiebreak=Retailer.id,
    columns=[
        Column("id", _l("ID"), lambda r: r.id, sort=Retailer.id,
               link=lambda r: url_for("admin.retailers_edit", retailer_id=r.id)),
        Column("licence_no", _l("Licence number"), lambda r: r.licence_no, sort=Retailer.licence_no),
        Column("name", _l("Name"), lambda r: r.name, sort=Retailer.name),
        Column("region", _l("Region"), lambda r: regions.full_name(r.region_code), sort=Retailer.region_code),
        Column("address", _l("Address"), lambda r: r.address),
        Column("format", _l("Format"), lambda r: FORMAT_LABELS.get(r.format, r.format), sort=Retailer.format),
        Column("market_type", _l("Market type"), lambda r: MARKET_LABELS.get(r.market_type, r.market_type),
               sort=Retailer.market_type),
        Column("district_type", _l("District"), lambda r: DISTRICT_LABELS.get(r.district_type, r.district_type),
               sort=Retailer.district_type),
        Column("customer_class", _l("Class"), lambda r: CLASS_LABELS.get(r.customer_class, r.customer_class),
               sort=Retailer.customer_class),
        Column("is_sample", _l("Sample"), lambda r: _yes(r.is_sample), sort=Retailer.is_sample),
        Column("status", _l("Status"), lambda r: RETAILER_STATUS_LABELS.get(r.status, r.status),
               sort=Retailer.status),
    ]))


@bp.get("/retailers")
def retailers():
    return show_list(RETAILERS, "admin/retailers/list.html")


class RetailerForm(FlaskForm):
    licence_no = StringField(_l("Licence number"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    region_code = StringField(_l("Region code"), validators=[DataRequired(), Length(max=6)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=50)])
    operator = StringField(_l("Operator"), validators=[Optional(), Length(max=50)])
    customer_code = StringField(_l("Customer code"), validators=[Optional(), Length(max=32)])
    order_phone = StringField(_l("Order phone"), validators=[Optional(), Length(max=20)])
    lat = DecimalField(_l("Latitude"), places=6, validators=[Optional()])
    lon = DecimalField(_l("Longitude"), places=6, validators=[Optional()])
    format = SelectField(_l("Format"), choices=_pick(FORMATS, FORMAT_LABELS), default="other")
    market_type = SelectField(_l("Market type"), choices=_pick(MARKET_TYPES, MARKET_LABELS), default="urban")
    district_type = SelectField(_l("District"), choices=_pick(DISTRICT_TYPES, DISTRICT_LABELS), default="other")
    customer_class = SelectField(_l("Class"), choices=_pick(CUSTOMER_CLASSES, CLASS_LABELS), default="general")
    is_chain = BooleanField(_l("Chain store"))
    is_sample = BooleanField(_l("Sample retailer"))


class RetailerEditForm(RetailerForm):
    status = SelectField(_l("Status"), choices=_pick(("active", "closed"), RETAILER_STATUS_LABELS))


def _form_data(form, schema):
    """The form's values checked by the API's own schema; errors go onto the form's fields."""
    raw = {}
    for name in schema.fields:
        if name in form:
            value = form[name].data
            raw[name] = float(value) if name in ("lat", "lon") and value is not None else (
                value if value not in ("",) else None)
    try:
        return schema.load(raw)
    except ValidationError as error:
        for name, messages in error.messages.items():
            target = form[name] if name in form else form.licence_no
            target.errors = list(target.errors) + [str(m) for m in messages]
        return None


@bp.route("/retailers/new", methods=["GET", "POST"])
def retailers_new():
    form = RetailerForm()
    if form.validate_on_submit() and (data := _form_data(form, RetailerInSchema())) is not None:
        try:
            created = audited("retailer.create", target=("retailer", None), note=data["licence_no"],
                              call=lambda: service.create_retailer(data))
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Retailer %(name)s created.", name=created.name), "success")
            return redirect(url_for("admin.retailers"))
    return render_template("admin/retailers/form.html", form=form, retailer=None)


@bp.route("/retailers/<int:retailer_id>/edit", methods=["GET", "POST"])
def retailers_edit(retailer_id):
    retailer = service.get_retailer(retailer_id)
    form = RetailerEditForm(obj=retailer)
    if form.validate_on_submit() and (data := _form_data(form, RetailerPatchSchema())) is not None:
        return perform("retailer.update", target=("retailer", retailer_id), fields=AUDIT_FIELDS,
                       load=lambda: service.get_retailer(retailer_id),
                       call=lambda: service.update_retailer(retailer_id, data),
                       done=_l("Retailer saved."), back=url_for("admin.retailers"))
    return render_template("admin/retailers/form.html", form=form, retailer=retailer)


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    mode = RadioField(_l("When some rows are bad"), default="all_or_nothing", choices=options([
        ("all_or_nothing", _l("Import nothing (all or nothing)")),
        ("good_rows", _l("Import the good rows"))]))


@bp.route("/retailers/import", methods=["GET", "POST"])
def retailers_import():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        data, mode = form.file.data.read(), form.mode.data
        if retailer_tasks.runs_in_background(data):
            task = retailer_tasks.import_in_background(data, mode, created_by=g.staff.id)
            return redirect(url_for("admin.tasks_detail", task_id=task.id))
        try:
            result = audited("retailer.import", target=("retailer", None), note=mode,
                             call=lambda: service.import_retailers(data, mode=mode))
        except ApiError as error:
            flash_error(error)
            result = {"imported": 0, "errors": error.details.get("errors") or []}
        else:
            level = "warning" if result["errors"] else "success"
            flash(_l("%(n)s retailers imported.", n=result["imported"]), level)
    else:
        for message in form.file.errors:
            flash(str(message), "error")
    return render_template("admin/retailers/import.html", form=form, result=result)
