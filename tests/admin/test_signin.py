"""Console sign-in, session security, CSRF, idle expiry, throttling and roles."""
import time

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import AuthToken
from app.auth.service import set_staff_status
from app.extensions import db

CONSOLE_PATHS = ["/admin/", "/admin/members", "/admin/gifts", "/admin/redemptions", "/admin/complaints",
                 "/admin/products", "/admin/code-batches", "/admin/rules", "/admin/retailers", "/admin/staff",
                 "/admin/visits", "/admin/promo-items", "/admin/activities", "/admin/audit"]


@pytest.mark.parametrize("path", CONSOLE_PATHS)
def test_unauthenticated_request_to_a_console_page_leads_to_sign_in(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/admin/login")


def test_every_console_route_needs_a_session(app, anonymous):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint in ("admin.login", "admin.language"):
            continue
        path = rule.rule.replace("<int:member_id>", "1").replace("<int:staff_id>", "1") \
            .replace("<int:event_id>", "1").replace("<int:task_id>", "1").replace("<list_name>", "members")
        if "GET" in rule.methods:
            response = anonymous.get(path)
            assert response.status_code == 302 and "/admin/login" in response.location, path


def test_admin_signs_in_and_sees_the_dashboard(console):
    response = console.get("/admin/")
    assert response.status_code == 200
    assert console.admin.user.username in response.get_data(as_text=True)


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, admin, anonymous):
    credentials = {"username": admin.user.username, "password": admin.password}
    response = anonymous.post("/admin/login?next=/admin/staff", {**credentials,
                                                                 "csrf_token": anonymous.csrf_token()}, csrf=False)
    assert response.location == "/admin/staff"
    assert anonymous.post("/admin/logout").status_code == 302
    response = anonymous.post("/admin/login?next=https://evil.example/admin",
                              {**credentials, "csrf_token": anonymous.csrf_token()}, csrf=False)
    assert response.location == "/admin/"


def test_wrong_password_is_refused_and_recorded(anonymous, admin):
    response = anonymous.login(admin.user.username, "wrong-password")
    assert response.status_code == 401
    assert anonymous.get("/admin/").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "console.login_failed"))
    assert event.note == admin.user.username and event.actor_id is None


def test_field_staff_cannot_enter_the_console_and_keep_no_token(make_console):
    attempt = make_console("staff")
    assert attempt.response.status_code == 403
    assert attempt.get("/admin/").status_code == 302
    live = db.session.scalars(select(AuthToken).where(AuthToken.staff_id == attempt.account.id,
                                                      AuthToken.revoked_at.is_(None))).all()
    assert len(live) == 1  # the API token the factory issued; the console's was revoked at once


def test_session_cookie_is_httponly_samesite_lax_and_scoped_to_the_console(client, admin, anonymous):
    response = anonymous.login(admin.user.username, admin.password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(app, admin, anonymous):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = anonymous.login(admin.user.username, admin.password)
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_ends_after_idle_time(console, app):
    with console.session() as session:
        session["seen"] = int(time.time()) - app.config["CONSOLE_IDLE_MINUTES"] * 60 - 5
    response = console.get("/admin/members")
    assert response.status_code == 302 and "/admin/login" in response.location
    assert console.get("/admin/").status_code == 302  # the token was revoked, not only forgotten


def test_activity_keeps_the_session_alive(console, app):
    with console.session() as session:
        session["seen"] = int(time.time()) - app.config["CONSOLE_IDLE_MINUTES"] * 60 + 30
    assert console.get("/admin/members").status_code == 200
    assert console.get("/admin/").status_code == 200


def test_logout_revokes_the_session_server_side(console):
    with console.session() as session:
        stolen = dict(session)
    response = console.post("/admin/logout")
    assert response.status_code == 302
    with console.session() as session:
        session.update(stolen)  # replaying the old cookie does not bring the session back
    assert console.get("/admin/").status_code == 302


def test_locking_an_admin_ends_their_console_session(console):
    set_staff_status(console.admin.id, "locked")
    assert console.get("/admin/").status_code == 302


def test_console_login_is_throttled_per_account(anonymous, admin, app):
    for _ in range(5):
        assert anonymous.login(admin.user.username, "wrong-password").status_code == 401
    response = anonymous.login(admin.user.username, admin.password)
    assert response.status_code == 429
    assert "尝试次数过多" in response.get_data(as_text=True)


def test_form_without_csrf_token_is_rejected_and_changes_nothing(console, member):
    response = console.post(f"/admin/members/{member.id}/lock", {"reason": "no token"}, csrf=False)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    db.session.expire_all()
    assert member.member.status == "active"


def test_form_with_another_sessions_csrf_token_is_rejected(console, make_console, member):
    other = make_console("admin")
    token = other.csrf_token("/admin/")
    response = console.post(f"/admin/members/{member.id}/lock", {"reason": "x", "csrf_token": token}, csrf=False)
    assert response.status_code == 400


def test_api_posts_need_no_csrf_token(api, admin):
    response = api.post("/staff/login", {"username": admin.user.username, "password": admin.password})
    assert response.status_code == 200


def test_manager_reads_but_cannot_change(make_console, member):
    manager = make_console("manager")
    assert manager.response.status_code == 302
    assert manager.get("/admin/members").status_code == 200
    assert manager.get(f"/admin/members/{member.id}").status_code == 200
    response = manager.post(f"/admin/members/{member.id}/lock", {"reason": "x"})
    assert response.status_code == 403
    db.session.expire_all()
    assert member.member.status == "active"


def test_manager_has_no_api_access(api, app):
    from tests import factories

    manager = factories.create_staff(role="manager")
    assert api.get("/admin/members/1", token=manager.token).status_code == 403


def test_unknown_console_page_shows_an_html_404_once_signed_in(console):
    response = console.get("/admin/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_console_speaks_chinese_by_default_and_english_on_request(console):
    page = console.get("/admin/members").get_data(as_text=True)
    assert "会员" in page and "退出登录" in page and 'lang="zh-CN"' in page
    console.post("/admin/language/en", {"next": "/admin/members"})
    page = console.get("/admin/members").get_data(as_text=True)
    assert "Sign out" in page and 'lang="en"' in page
    console.post("/admin/language/zh_CN")
    assert "退出登录" in console.get("/admin/").get_data(as_text=True)


def test_console_is_chinese_even_for_an_english_browser_until_english_is_picked(console):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    assert "退出登录" in console.get("/admin/members", headers=english_browser).get_data(as_text=True)
    console.post("/admin/language/en", {"next": "/admin/members"})
    assert "Sign out" in console.get("/admin/members", headers=english_browser).get_data(as_text=True)


def test_times_are_shown_in_shanghai_time(console, member):
    from app.timeutil import LOCAL_TZ

    joined = member.member.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    assert joined in console.get(f"/admin/members/{member.id}").get_data(as_text=True)


def test_console_pages_are_not_cached_framed_or_fed_from_elsewhere(console):
    response = console.get("/admin/members")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_console_assets_are_served_by_the_app(console):
    page = console.get("/admin/").get_data(as_text=True)
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page
    assert console.client.get("/static/admin/console.css").status_code == 200
    assert console.client.get("/static/admin/console.js").status_code == 200


def test_console_cookie_carries_no_api_bearer_token(console, api):
    with console.session() as session:
        values = [str(v) for v in dict(session).values()]
    for value in values:
        assert api.get("/staff/me", token=value).status_code == 401


def test_navigation_links_every_console_page(console):
    from app.admin.nav import NAV

    assert set(CONSOLE_PATHS) <= {entry.path for entry in NAV}
    page = console.get("/admin/").get_data(as_text=True)
    for entry in NAV:
        assert f'href="{entry.path}"' in page, entry.path
        assert console.get(entry.path).status_code == 200, entry.path


def test_demo_seed_gives_a_console_admin_and_a_read_only_manager(runner, anonymous):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0 and "manager" in result.output
    assert anonymous.login("manager", "Manager@2026").status_code == 302
    assert "会员" in anonymous.get("/admin/members").get_data(as_text=True)


def test_sign_in_page_sends_a_signed_in_admin_on(console):
    response = console.get("/admin/login")
    assert response.status_code == 302 and response.location == "/admin/"
