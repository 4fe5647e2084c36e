"""Members in the console: search, the member's page, and every admin action (audited)."""
from datetime import timedelta

from sqlalchemy import insert, select

from app.audit.models import AuditEvent
from app.auth.models import AuthToken
from app.db import transaction
from app.extensions import db
from app.members.models import Member, MemberLevel
from app.points.service import post_entry
from app.timeutil import local_today


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _reload(handle):
    db.session.expire_all()
    return db.session.get(Member, handle.id)


def test_member_search_by_phone_name_region_level_and_status(console, make_member):
    wang = make_member(real_name="王小明")
    li = make_member(real_name="赵六")
    with transaction():
        db.session.get(Member, li.id).region_code = "110105"
    assert "王小明" in console.get(f"/admin/members?q={wang.member.phone[-6:]}").get_data(as_text=True)
    page = console.get("/admin/members?q=王小").get_data(as_text=True)
    assert "王小明" in page and "赵六" not in page
    for region in ("110105", "110100", "110000"):  # county, city, province
        page = console.get(f"/admin/members?region={region}").get_data(as_text=True)
        assert "赵六" in page and "王小明" not in page
    console.post(f"/admin/members/{li.id}/lock", {"reason": "测试"})
    page = console.get("/admin/members?status=locked").get_data(as_text=True)
    assert "赵六" in page and "王小明" not in page
    assert "王小明" in console.get("/admin/members?level=normal").get_data(as_text=True)


def test_member_list_masks_phones_sorts_and_paginates(console, make_member):
    members = [make_member() for _ in range(3)]
    with transaction():
        for points, handle in zip((5, 50, 20), members):
            post_entry(handle.id, points, "adjust")
    page = console.get("/admin/members?sort=-points_balance&per_page=20").get_data(as_text=True)
    assert members[0].member.phone not in page and members[0].member.masked_phone in page
    positions = [page.index(f'/admin/members/{h.id}"') for h in (members[1], members[2], members[0])]
    assert positions == sorted(positions)
    first = console.get("/admin/members?sort=id&page=1&per_page=20").get_data(as_text=True)
    assert "3 in all" in first or "共 3" in first


def test_member_page_shows_ledger_and_scans(console, member):
    with transaction():
        post_entry(member.id, 30, "adjust", note="补偿")
    page = console.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert "补偿" in page and "+30" in page and member.member.real_name in page


def test_locking_a_member_ends_their_sessions_and_is_audited(console, member, api):
    response = console.post(f"/admin/members/{member.id}/lock", {"reason": "可疑扫码"})
    assert response.status_code == 302
    assert _reload(member).status == "locked"
    assert api.get("/me", token=member.token).status_code == 401
    [event] = _events("member.lock")
    assert event.actor_id == console.admin.id and event.target_id == str(member.id)
    assert event.before == {"status": "active", "lock_reason": None}
    assert event.after == {"status": "locked", "lock_reason": "可疑扫码"}
    assert event.note == "可疑扫码"


def test_lock_needs_a_reason(console, member):
    console.post(f"/admin/members/{member.id}/lock", {"reason": ""})
    assert _reload(member).status == "active"
    assert _events("member.lock") == []


def test_unlocking_a_member(console, member):
    console.post(f"/admin/members/{member.id}/lock", {"reason": "x"})
    console.post(f"/admin/members/{member.id}/unlock")
    assert _reload(member).status == "active"
    assert len(_events("member.unlock")) == 1


def test_extending_validity_counts_from_the_later_of_today_and_the_end_date(console, member):
    before = _reload(member).valid_until
    console.post(f"/admin/members/{member.id}/extend", {"days": "30"})
    assert _reload(member).valid_until == before + timedelta(days=30)
    with transaction():
        db.session.get(Member, member.id).valid_until = local_today() - timedelta(days=10)
    console.post(f"/admin/members/{member.id}/extend", {"days": "30"})
    assert _reload(member).valid_until == local_today() + timedelta(days=30)


def test_extension_out_of_range_is_refused(console, member):
    before = _reload(member).valid_until
    console.post(f"/admin/members/{member.id}/extend", {"days": "0"})
    console.post(f"/admin/members/{member.id}/extend", {"days": "99999"})
    assert _reload(member).valid_until == before


def test_setting_a_level_records_the_reason(console, member):
    with transaction():
        db.session.execute(insert(MemberLevel).values(code="gold", name="金卡会员", min_points=1000, multiplier=1.5))
    console.post(f"/admin/members/{member.id}/level", {"level_code": "gold", "reason": "大客户"})
    assert _reload(member).level_code == "gold"
    [event] = _events("member.set_level")
    assert event.before == {"level_code": "normal"} and event.after == {"level_code": "gold"}
    assert event.note == "大客户"


def test_an_unknown_level_is_refused(console, member):
    console.post(f"/admin/members/{member.id}/level", {"level_code": "platinum", "reason": "x"})
    assert _reload(member).level_code == "normal"


def test_resetting_a_password_shows_it_once_and_ends_sessions(console, member, api):
    response = console.post(f"/admin/members/{member.id}/reset-password")
    assert response.status_code == 200
    import re

    temporary = re.search(r'data-testid="temporary-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert api.get("/me", token=member.token).status_code == 401
    login = api.post("/auth/login", {"phone": member.member.phone, "password": temporary})
    assert login.status_code == 200
    [event] = _events("member.reset_password")
    assert temporary not in str(event.before) + str(event.after) + str(event.note)


def test_editing_a_profile_uses_the_api_rules(console, member):
    response = console.post(f"/admin/members/{member.id}/edit", {
        "region_code": "999999", "preferred_category": "slim", "price_tier": "high", "occupation": "farmer",
        "income_band": "gt20k"})
    assert response.status_code == 200  # the form again, with the region error
    assert _reload(member).preferred_category == "blended"
    response = console.post(f"/admin/members/{member.id}/edit", {
        "region_code": "440104", "preferred_category": "slim", "price_tier": "high", "occupation": "farmer",
        "income_band": "gt20k"})
    assert response.status_code == 302
    assert _reload(member).preferred_category == "slim"
    [event] = _events("member.update_profile")
    assert event.after["region_code"] == "440104" and event.after["preferred_category"] == "slim"


def test_an_unknown_member_is_a_404_page(console):
    assert console.get("/admin/members/999999").status_code == 404
    assert console.post("/admin/members/999999/lock", {"reason": "x"}).status_code == 302


def test_revoked_member_tokens_really_are_revoked(console, member):
    console.post(f"/admin/members/{member.id}/lock", {"reason": "x"})
    live = db.session.scalars(select(AuthToken).where(AuthToken.member_id == member.id,
                                                      AuthToken.revoked_at.is_(None))).all()
    assert live == []


def test_member_list_pages_do_not_overlap_and_bad_sort_keys_fall_back(console, make_member):
    ids = {make_member().id for _ in range(23)}
    seen = []
    for number in (1, 2):
        page = console.get(f"/admin/members?sort=-joined_typo&page={number}").get_data(as_text=True)
        import re

        seen += [int(i) for i in re.findall(r'href="/admin/members/(\d+)"', page)]
    assert sorted(seen) == sorted(ids)
    assert console.get("/admin/members?page=abc&per_page=7").status_code == 200
