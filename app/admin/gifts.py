"""Gifts (积分商城礼品): list, create and edit with a picture, stock corrections with their ledger, retire.

Every rule (the fields' limits, the stock guard, image processing) is the gifts service's and its API
schemas'; these views only read forms, call the service through `perform`/`audited`, and show the outcome.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from marshmallow import ValidationError
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..errors import ApiError
from ..gifts import service
from ..gifts.models import Gift
from ..gifts.schemas import GiftCreateSchema, GiftUpdateSchema
from ..media import media_url, read_upload
from ..pagination import paginate
from . import bp
from .actions import audited, flash_error, perform
from .labels import options
from .listing import Column, FilterForm, ListSpec, register, show_list

IMAGE_MAX_BYTES = 8 * 1024 * 1024
AUDIT_FIELDS = ("name", "category", "description", "points_cost", "stock", "per_member_limit", "valid_from",
                "valid_until", "status", "image_path")
GIFT_STATUS_LABELS = {"active": _l("On sale"), "retired": _l("Retired")}
MOVE_KIND_LABELS = {"initial": _l("Opening stock"), "adjust": _l("Adjustment"), "redeem": _l("Redemption"),
                    "cancel": _l("Cancelled redemption")}


class GiftFilter(FilterForm):
    category = StringField(_l("Category"), validators=[Optional(), Length(max=32)])
    status = SelectField(_l("Status"), validators=[Optional()], choices=options(
        [("", _l("Any status"))] + list(GIFT_STATUS_LABELS.items())))


def gift_query(filters):
    return service.admin_gifts(category=filters.get("category"), status=filters.get("status")).order_by(None)


def _detail_url(gift_id):
    return url_for("admin.gifts_detail", gift_id=gift_id)


GIFTS = register(ListSpec(
    name="gifts", title=_l("Gifts"), filter_form=GiftFilter, query=gift_query, tiebreak=Gift.id,
    columns=[
        Column("id", _l("ID"), lambda g: g.id, sort=Gift.id, link=lambda g: _detail_url(g.id)),
        Column("name", _l("Name"), lambda g: g.name, sort=Gift.name, link=lambda g: _detail_url(g.id)),
        Column("category", _l("Category"), lambda g: g.category, sort=Gift.category),
        Column("points_cost", _l("Points cost"), lambda g: g.points_cost, sort=Gift.points_cost),
        Column("stock", _l("Stock"), lambda g: g.stock, sort=Gift.stock),
        Column("per_member_limit", _l("Limit per member"), lambda g: g.per_member_limit),
        Column("valid_from", _l("Valid from"), lambda g: g.valid_from, sort=Gift.valid_from),
        Column("valid_until", _l("Valid until"), lambda g: g.valid_until, sort=Gift.valid_until),
        Column("status", _l("Status"), lambda g: GIFT_STATUS_LABELS.get(g.status, g.status), sort=Gift.status),
        Column("created_at", _l("Created"), lambda g: g.created_at, sort=Gift.created_at),
    ]))


@bp.get("/gifts")
def gifts():
    return show_list(GIFTS, "admin/gifts/list.html")


class GiftForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    category = StringField(_l("Category"), validators=[DataRequired(), Length(max=32)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    points_cost = IntegerField(_l("Points cost"), validators=[DataRequired(), NumberRange(min=1, max=10_000_000)])
    per_member_limit = IntegerField(_l("Limit per member"), validators=[Optional(), NumberRange(min=1, max=10_000)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    image = FileField(_l("Picture (JPEG, PNG or WebP)"))


class NewGiftForm(GiftForm):
    stock = IntegerField(_l("Opening stock"), default=0, validators=[Optional(), NumberRange(min=0, max=10_000_000)])


class StockForm(FlaskForm):
    delta = IntegerField(_l("Change (+ in, − out)"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


FIELDS = ("name", "category", "description", "points_cost", "per_member_limit", "valid_from", "valid_until")


def _changes(form, schema):
    """The form's values checked by the API's own schema; errors are put on the form's fields."""
    raw = {name: form[name].data for name in FIELDS}
    raw["description"] = raw["description"] or None
    for name in ("valid_from", "valid_until"):
        raw[name] = raw[name].isoformat() if raw[name] else None
    if "stock" in schema.fields:
        raw["stock"] = form.stock.data or 0
    try:
        return schema.load(raw)
    except ValidationError as error:
        for name, messages in error.messages.items():
            target = form[name] if name in form else form.name
            target.errors = list(target.errors) + [str(m) for m in messages]
        return None


def _upload(form):
    """The uploaded picture's bytes, or None when no file was chosen."""
    file = form.image.data
    if file is None or not getattr(file, "filename", ""):
        return None
    return read_upload(file, IMAGE_MAX_BYTES)


def _save_image(gift_id, data):
    audited("gift.set_image", target=("gift", gift_id), load=lambda: service.get_gift(gift_id),
            fields=("image_path", "thumb_path"), call=lambda: service.set_image(gift_id, data))


@bp.route("/gifts/new", methods=["GET", "POST"])
def gifts_new():
    form = NewGiftForm()
    if form.validate_on_submit() and (fields := _changes(form, GiftCreateSchema())) is not None:
        try:
            image = _upload(form)
            stock = fields.pop("stock")
            gift = audited("gift.create", target=("gift", None), note=fields["name"],
                           call=lambda: service.create_gift(stock=stock, staff_id=_staff_id(), **fields))
            if image is not None:
                _save_image(gift.id, image)
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Gift created."), "success")
            return redirect(_detail_url(gift.id))
    return render_template("admin/gifts/edit.html", form=form, gift=None, image=None, thumb=None)


@bp.route("/gifts/<int:gift_id>/edit", methods=["GET", "POST"])
def gifts_edit(gift_id):
    gift = service.get_gift(gift_id)
    form = GiftForm(obj=gift)
    if form.validate_on_submit() and (changes := _changes(form, GiftUpdateSchema())) is not None:
        try:
            image = _upload(form)
            audited("gift.update", target=("gift", gift_id), load=lambda: service.get_gift(gift_id),
                    fields=AUDIT_FIELDS, call=lambda: service.update_gift(gift_id, changes))
            if image is not None:
                _save_image(gift_id, image)
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Gift saved."), "success")
            return redirect(_detail_url(gift_id))
    image, thumb = _image(gift)
    return render_template("admin/gifts/edit.html", form=form, gift=gift, image=image, thumb=thumb)


def _image(gift):
    return (media_url(gift.image_path) if gift.image_path else None,
            media_url(gift.thumb_path) if gift.thumb_path else None)


def _staff_id():
    from flask import g

    return g.staff.id


@bp.get("/gifts/<int:gift_id>")
def gifts_detail(gift_id):
    gift = service.get_gift(gift_id)
    page = request.args.get("mp", "1")
    moves = paginate(service.stock_moves(gift_id), max(1, int(page)) if page.isdigit() else 1, 20)
    image, thumb = _image(gift)
    return render_template("admin/gifts/detail.html", gift=gift, moves=moves, stock_form=StockForm(),
                           image=image, thumb=thumb, status_labels=GIFT_STATUS_LABELS, kinds=MOVE_KIND_LABELS)


@bp.post("/gifts/<int:gift_id>/stock")
def gifts_stock(gift_id):
    form = StockForm()
    if not form.validate_on_submit():
        for field in form:
            for message in field.errors:
                flash(f"{field.label.text}: {message}", "error")
        return redirect(_detail_url(gift_id))
    delta, reason = form.delta.data, form.reason.data.strip()
    return perform("gift.adjust_stock", target=("gift", gift_id), load=lambda: service.get_gift(gift_id),
                   fields=("stock",), note=f"{delta:+d} {reason}",
                   call=lambda: service.adjust_stock(gift_id, delta, reason, staff_id=_staff_id()),
                   done=_l("Stock adjusted."), back=_detail_url(gift_id))


@bp.post("/gifts/<int:gift_id>/retire")
def gifts_retire(gift_id):
    return perform("gift.retire", target=("gift", gift_id), load=lambda: service.get_gift(gift_id),
                   fields=("status",), call=lambda: service.retire_gift(gift_id),
                   done=_l("The gift is retired: members no longer see it."), back=_detail_url(gift_id))
