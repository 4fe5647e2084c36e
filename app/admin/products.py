"""Products (卷烟规格) in the console: list, add, edit, retire and reactivate (app/products/service.py)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..errors import ApiError
from ..products import service
from ..products.models import Product
from . import bp
from .actions import audited, flash_error, perform
from .labels import STATUS_LABELS, options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

AUDIT_FIELDS = ("sku", "name", "brand", "pack_price", "carton_price", "guide_price", "wholesale_price",
                "price_class", "points_per_pack", "status")
PRODUCT_STATUS = (("", _l("Any status")), ("active", _l("Active")), ("retired", _l("Retired")))


class ProductFilter(FilterForm):
    q = StringField(_l("SKU, name or brand"), validators=[Optional(), Length(max=64)])
    status = SelectField(_l("Status"), choices=options(PRODUCT_STATUS), validators=[Optional()])


def product_query(filters):
    statement = select(Product)
    if q := filters.get("q", "").strip():
        statement = statement.where(or_(Product.sku.contains(q), Product.name.contains(q), Product.brand.contains(q)))
    return where_equal(statement, filters, {"status": Product.status})


PRODUCTS = register(ListSpec(
    name="products", title=_l("Products"), filter_form=ProductFilter, query=product_query, default_sort="sku",
    tiebreak=Product.id,
    columns=[
        Column("id", _l("ID"), lambda p: p.id, sort=Product.id),
        Column("sku", _l("SKU"), lambda p: p.sku, sort=Product.sku,
               link=lambda p: url_for("admin.products_edit", product_id=p.id)),
        Column("name", _l("Name"), lambda p: p.name, sort=Product.name),
        Column("brand", _l("Brand"), lambda p: p.brand, sort=Product.brand),
        Column("pack_price", _l("Pack price"), lambda p: p.pack_price, sort=Product.pack_price),
        Column("carton_price", _l("Carton price"), lambda p: p.carton_price, sort=Product.carton_price),
        Column("guide_price", _l("Guide price"), lambda p: p.guide_price),
        Column("wholesale_price", _l("Wholesale price"), lambda p: p.wholesale_price),
        Column("price_class", _l("Price class"), lambda p: p.price_class, sort=Product.price_class),
        Column("points_per_pack", _l("Points per pack"), lambda p: p.points_per_pack, sort=Product.points_per_pack),
        Column("status", _l("Status"), lambda p: STATUS_LABELS.get(p.status, p.status), sort=Product.status),
    ]))

_money = dict(places=2, validators=[DataRequired(), NumberRange(min=0, max=99999999)])


class ProductForm(FlaskForm):
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    brand = StringField(_l("Brand"), validators=[DataRequired(), Length(max=32)])
    pack_price = DecimalField(_l("Pack price"), **_money)
    carton_price = DecimalField(_l("Carton price"), **_money)
    guide_price = DecimalField(_l("Guide price"), **_money)
    wholesale_price = DecimalField(_l("Wholesale price"), **_money)
    price_class = IntegerField(_l("Price class"), validators=[Optional(), NumberRange(min=1, max=5)])
    points_per_pack = IntegerField(_l("Points per pack"), default=1,
                                   validators=[Optional(), NumberRange(min=0, max=10000)])

    def values(self):
        data = {name: f.data for name, f in self._fields.items() if name != "csrf_token"}
        data["points_per_pack"] = data["points_per_pack"] if data["points_per_pack"] is not None else 1
        for name in ("sku", "name", "brand"):
            data[name] = data[name].strip()
        return data


@bp.get("/products")
def products():
    return show_list(PRODUCTS, "admin/products/list.html")


@bp.route("/products/new", methods=["GET", "POST"])
def products_new():
    form = ProductForm()
    if form.validate_on_submit():
        values = form.values()
        try:
            audited("product.create", target=("product", None), load=None, note=values["sku"],
                    call=lambda: service.add_product(**values))
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Product %(sku)s added.", sku=values["sku"]), "success")
            return redirect(url_for("admin.products"))
    return render_template("admin/products/form.html", form=form, product=None)


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def products_edit(product_id):
    product = service.get_product(product_id)
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        values = form.values()
        values.pop("sku")  # the SKU is printed on packs and named in batches: it does not change
        try:
            audited("product.update", target=("product", product_id), fields=AUDIT_FIELDS,
                    load=lambda: service.get_product(product_id),
                    call=lambda: service.update_product(product_id, values))
        except ApiError as error:
            flash_error(error)
        else:
            flash(_l("Product saved."), "success")
            return redirect(url_for("admin.products"))
    return render_template("admin/products/form.html", form=form, product=product)


def _status(product_id, status, action, done):
    return perform(action, target=("product", product_id), load=lambda: service.get_product(product_id),
                   fields=AUDIT_FIELDS, call=lambda: service.set_status(product_id, status),
                   done=done, back=url_for("admin.products_edit", product_id=product_id))


@bp.post("/products/<int:product_id>/retire")
def products_retire(product_id):
    return _status(product_id, "retired", "product.retire", _l("Product retired: no longer listed in the app."))


@bp.post("/products/<int:product_id>/reactivate")
def products_reactivate(product_id):
    return _status(product_id, "active", "product.reactivate", _l("Product reactivated."))


@bp.app_template_global()
def status_label(status):
    return STATUS_LABELS.get(status, status)
