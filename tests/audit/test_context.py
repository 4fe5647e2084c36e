"""The audit record names who acted and through which door, without the use case being told."""
from sqlalchemy import select

from app.audit import service as audit
from app.audit.context import Actor, acting_as, current_actor
from app.audit.models import AuditEvent
from app.db import transaction
from app.extensions import db


def _last():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_outside_a_request_the_actor_is_the_command_line(app):
    assert current_actor() == Actor.system("cli")
    with transaction():
        audit.record("demo.thing", target_type="thing", target_id=1)
    event = _last()
    assert (event.source, event.actor_kind, event.actor_id, event.actor_name) == ("cli", "system", None, "cli")


def test_a_job_names_itself(app):
    with acting_as(Actor.system("job", "expire-points")):
        audit.record("points.expire", note="3 lots")
    event = _last()
    assert (event.source, event.actor_kind, event.actor_name) == ("job", "system", "expire-points")


def test_a_staff_user_replayed_by_a_worker_keeps_the_door_that_started_the_task(app, admin):
    starter = Actor.staff(admin.user, "console", "10.0.0.1")
    with acting_as(Actor.from_dict(starter.as_dict())):
        audit.record("batch.generate", target_type="code_batch", target_id=7)
    event = _last()
    assert (event.source, event.actor_kind, event.actor_id, event.ip) == ("console", "staff", admin.id, "10.0.0.1")


def test_change_keeps_only_the_fields_that_changed_and_masks_personal_data(app, member):
    with transaction():
        row = member.member
        with audit.change("member.edit", row, ("phone", "real_name", "region_code"), target_type="member") as c:
            row.real_name, row.region_code = "李四", "110101"
            c.note = "profile"
    event = _last()
    assert event.target_type == "member" and event.target_id == str(member.id) and event.note == "profile"
    assert set(event.after) == {"real_name", "region_code"} and event.after["real_name"] == "李*"
    assert event.after["region_code"] == "110101"


def test_an_audit_record_rolls_back_with_the_change(app):
    try:
        with transaction():
            audit.record("demo.fails")
            raise RuntimeError("the use case failed")
    except RuntimeError:
        pass
    assert _last() is None or _last().action != "demo.fails"
