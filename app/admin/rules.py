"""Earning rules (积分规则) in the console: list, create, edit, retire (app/codes/rules.py).
The list shows what each rule applies to: product, region and time window."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from .. import regions
from ..codes import rules as service
from ..codes.models import EarningRule
from ..errors import ApiError
from . import bp
from .actions import audited, flash_error, perform
from .formfields import LocalDateTimeField, ProductField, product_choices
from .labels import STATUS_LABELS, options
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal

AUDIT_FIELDS = ("name", "kind", "value", "product_id", "region_code", "starts_at", "ends_at", "status")
KIND_LABELS = {"multiply": _l("Multiply"), "add": _l("Add points")}
RULE_STATUS = (("", _l("Any status")), ("active", _l("Active")), ("retired", _l("Retired")))


class RuleFilter(FilterForm):
    status = SelectField(_l("Status"), choices=options(RULE_STATUS), validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=options([("", _l("Any kind"))] + list(KIND_LABELS.items())),
                       validators=[Optional()])


def rule_query(filters):
    return where_equal(select(EarningRule), filters, {"status": EarningRule.status, "kind": EarningRule.kind})


def _effect(rule):
    return f"×{rule.value.normalize():f}" if rule.kind == "multiply" else f"+{rule.value.normalize():f}"


def _product(rule):
    return f"{rule.product.sku} {rule.product.name}" if rule.product else _l("Every product")


def _region(rule):
    return (regions.full_name(rule.region_code) or rule.region_code) if rule.region_code else _l("Everywhere")


RULES = register(ListSpec(
    name="rules", title=_l("Earning rules"), filter_form=RuleFilter, query=rule_query, default_sort="-id",
    tiebreak=EarningRule.id,
    columns=[
        Column("id", _l("ID"), lambda r: r.id, sort=EarningRule.id),
        Column("name", _l("Name"), lambda r: r.name, sort=EarningRule.name,
               link=lambda r: url_for("admin.rules_edit", rule_id=r.id)),
        Column("kind", _l("Kind"), lambda r: KIND_LABELS.get(r.kind, r.kind), sort=EarningRule.kind),
        Column("effect", _l("Effect"), _effect),
        Column("product", _l("Product"), _product),
        Column("region", _l("Region"), _region),
        Column("starts_at", _l("Starts"), lambda r: r.starts_at, sort=EarningRule.starts_at),
        Column("ends_at", _l("Ends"), lambda r: r.ends_at, sort=EarningRule.ends_at),
        Column("status", _l("Status"), lambda r: STATUS_LABELS.get(r.status, r.status), sort=EarningRule.status),
    ]))


class RuleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS.items()))
    value = DecimalField(_l("Value (factor, or points added)"), places=2,
                         validators=[DataRequired(), NumberRange(min=0.01, max=1000)])
    product_id = ProductField(_l("Product"))
    region_code = StringField(_l("Region code (province, city or county; empty = everywhere)"),
                              validators=[Optional(), Regexp(r"^\d{6}$", message=_l("Six digits."))])
    starts_at = LocalDateTimeField(_l("Starts (Shanghai time)"), validators=[Optional()])
    ends_at = LocalDateTimeField(_l("Ends (Shanghai time)"), validators=[Optional()])

    def values(self):
        return {"name": self.name.data.strip(), "kind": self.kind.data, "value": self.value.data,
                "product_id": self.product_id.data, "region_code": self.region_code.data or None,
                "starts_at": self.starts_at.utc, "ends_at": self.ends_at.utc}


def _form(rule=None):
    form = RuleForm(obj=rule)
    form.product_id.choices = product_choices(blank_label=_l("Every product"))
    return form


def _service_errors(form, error):
    """Put a ValidationFailed's field messages under their fields; anything else becomes a message."""
    shown = False
    for name, messages in (error.fields or {}).items():
        if name in form._fields:
            form[name].errors = list(form[name].errors) + [str(m) for m in messages]
            shown = True
    if not shown:
        flash_error(error)


@bp.get("/rules")
def rules():
    return show_list(RULES, "admin/rules/list.html")


@bp.route("/rules/new", methods=["GET", "POST"])
def rules_new():
    form = _form()
    if form.validate_on_submit():
        values = form.values()
        try:
            audited("rule.create", target=("earning_rule", None), note=values["name"],
                    call=lambda: service.create_rule(created_by=g.staff.id, **values))
        except ApiError as error:
            _service_errors(form, error)
        else:
            flash(_l("Earning rule created."), "success")
            return redirect(url_for("admin.rules"))
    return render_template("admin/rules/form.html", form=form, rule=None)


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
def rules_edit(rule_id):
    rule = service.get_rule(rule_id)
    form = _form(rule)
    if form.validate_on_submit():
        values = form.values()
        try:
            audited("rule.update", target=("earning_rule", rule_id), fields=AUDIT_FIELDS,
                    load=lambda: service.get_rule(rule_id), call=lambda: service.update_rule(rule_id, values))
        except ApiError as error:
            _service_errors(form, error)
        else:
            flash(_l("Earning rule saved."), "success")
            return redirect(url_for("admin.rules"))
    return render_template("admin/rules/form.html", form=form, rule=rule, product=_product(rule),
                           region=_region(rule))


@bp.post("/rules/<int:rule_id>/retire")
def rules_retire(rule_id):
    return perform("rule.retire", target=("earning_rule", rule_id), load=lambda: service.get_rule(rule_id),
                   fields=AUDIT_FIELDS, call=lambda: service.retire_rule(rule_id),
                   done=_l("Earning rule retired: scans no longer earn by it."), back=url_for("admin.rules"))
