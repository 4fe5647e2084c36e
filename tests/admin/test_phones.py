"""Phones in the console are masked for every role, as in the API; only an admin's explicit "show" reveals one,
and the audit log keeps who saw whose number."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.redemptions import service as redemptions
from tests import factories

RECIPIENT_PHONE = "13912345678"


def _posted_redemption(member):
    factories.grant_points(member.id, 1000)
    delivery = {"method": "post", "name": "张三", "phone": RECIPIENT_PHONE, "address": "广州市天河区体育西路1号"}
    redemption, _balance = redemptions.redeem(member.id, factories.create_gift().id, 1, delivery)
    return redemption


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_redemption_page_masks_the_recipients_phone_for_the_manager(make_console, member):
    """The attack: a read-only manager opened a postal redemption and read the recipient's full number."""
    redemption = _posted_redemption(member.member)
    manager = make_console("manager")
    page = manager.get(f"/admin/redemptions/{redemption.id}").get_data(as_text=True)
    assert RECIPIENT_PHONE not in page and "139****5678" in page
    assert member.member.phone not in page and f"/admin/redemptions/{redemption.id}/phone" not in page


def test_a_manager_cannot_show_a_phone(make_console, member):
    redemption = _posted_redemption(member.member)
    manager = make_console("manager")
    assert f"/admin/members/{member.id}/phone" not in manager.get(f"/admin/members/{member.id}").get_data(
        as_text=True)
    for url in (f"/admin/members/{member.id}/phone", f"/admin/redemptions/{redemption.id}/phone"):
        response = manager.post(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 403 and member.member.phone not in body and RECIPIENT_PHONE not in body
    assert _events("member.phone_shown") == [] and _events("redemption.phone_shown") == []


def test_the_admin_sees_masked_phones_until_asking(console, member):
    redemption = _posted_redemption(member.member)
    page = console.get(f"/admin/redemptions/{redemption.id}").get_data(as_text=True)
    assert RECIPIENT_PHONE not in page and f"/admin/redemptions/{redemption.id}/phone" in page
    page = console.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert member.member.phone not in page and member.member.masked_phone in page
    assert f"/admin/members/{member.id}/phone" in page and "显示号码" in page


def test_showing_a_members_phone_is_audited_with_the_admin(console, member):
    response = console.post(f"/admin/members/{member.id}/phone")
    assert response.status_code == 200 and member.member.phone in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
    [event] = _events("member.phone_shown")
    assert event.target_type == "member" and event.target_id == str(member.id)
    assert event.actor_id == console.admin.id and event.source == "console"
    assert member.member.phone not in str((event.before, event.after, event.note))
    # Shown once: the member's page is masked again.
    assert member.member.phone not in console.get(f"/admin/members/{member.id}").get_data(as_text=True)


def test_showing_a_recipients_phone_is_audited_with_the_admin(console, member):
    redemption = _posted_redemption(member.member)
    response = console.post(f"/admin/redemptions/{redemption.id}/phone")
    assert response.status_code == 200 and RECIPIENT_PHONE in response.get_data(as_text=True)
    [event] = _events("redemption.phone_shown")
    assert event.target_id == str(redemption.id) and event.actor_id == console.admin.id


def test_a_pickup_has_no_recipient_phone_to_show(console, member):
    factories.grant_points(member.id, 1000)
    redemption, _ = redemptions.redeem(member.id, factories.create_gift().id, 1, {"method": "pickup"})
    assert console.post(f"/admin/redemptions/{redemption.id}/phone").status_code == 404
    assert _events("redemption.phone_shown") == []


def test_showing_needs_the_csrf_token(console, member):
    assert console.post(f"/admin/members/{member.id}/phone", csrf=False).status_code == 400
    assert _events("member.phone_shown") == []
