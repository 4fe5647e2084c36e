"""The audit log (操作日志), browsable and exportable like every list."""
from datetime import datetime, time, timedelta

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from ..audit.models import AuditEvent
from ..errors import NotFound
from ..extensions import db
from ..timeutil import LOCAL_TZ
from . import bp
from .listing import Column, FilterForm, ListSpec, register, show_list, where_equal


class AuditFilter(FilterForm):
    actor = StringField(_l("Who (username)"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=48)])
    target_type = StringField(_l("Object type"), validators=[Optional(), Length(max=32)])
    target_id = StringField(_l("Object ID"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def audit_query(filters):
    statement = select(AuditEvent)
    if actor := filters.get("actor"):
        statement = statement.where(AuditEvent.actor_name == actor.strip())
    if action := filters.get("action"):
        statement = statement.where(AuditEvent.action.startswith(action.strip()))
    statement = where_equal(statement, {k: (v or "").strip() for k, v in filters.items() if k.startswith("target")},
                            {"target_type": AuditEvent.target_type, "target_id": AuditEvent.target_id})
    if since := filters.get("since"):
        statement = statement.where(AuditEvent.created_at >= datetime.combine(since, time.min, tzinfo=LOCAL_TZ))
    if until := filters.get("until"):
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
        statement = statement.where(AuditEvent.created_at < end)
    return statement


def _changes(event):
    keys = list(dict.fromkeys([*(event.before or {}), *(event.after or {})]))
    return "; ".join(f"{k}: {(event.before or {}).get(k)} → {(event.after or {}).get(k)}" for k in keys)


AUDIT = register(ListSpec(
    name="audit", title=_l("Audit log"), filter_form=AuditFilter, query=audit_query, default_sort="-id",
    columns=[
        Column("id", _l("ID"), lambda e: e.id, sort=AuditEvent.id),
        Column("created_at", _l("When"), lambda e: e.created_at, sort=AuditEvent.created_at),
        Column("actor", _l("Who"), lambda e: e.actor_name, sort=AuditEvent.actor_name),
        Column("action", _l("Action"), lambda e: e.action, sort=AuditEvent.action),
        Column("target", _l("Object"), lambda e: f"{e.target_type or ''} {e.target_id or ''}".strip()),
        Column("changes", _l("Before → after"), _changes),
        Column("note", _l("Note"), lambda e: e.note or ""),
        Column("ip", _l("IP"), lambda e: e.ip or ""),
    ]))


@bp.get("/audit")
def audit():
    return show_list(AUDIT, "admin/audit/list.html")


@bp.get("/audit/<int:event_id>")
def audit_detail(event_id):
    event = db.session.get(AuditEvent, event_id)
    if event is None:
        raise NotFound()
    return render_template("admin/audit/detail.html", event=event)
