"""Issue 16, hole 6: a member changes profile region at most once per REGION_CHANGE_DAYS (first setting free);
an admin's correction is not limited."""
from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from app.members.models import Member
from app.members import service
from app.timeutil import local_today


def test_a_member_cannot_hop_between_regions(app, api, member):
    assert api.patch("/me", {"region_code": "430102"}, token=member.token).status_code == 200  # 440106 → Changsha
    hop = api.patch("/me", {"region_code": "440106", "price_tier": "low"}, token=member.token)
    assert hop.status_code == 422 and list(hop.json["error"]["fields"]) == ["region_code"]
    next_day = (local_today() + timedelta(days=app.config["REGION_CHANGE_DAYS"])).isoformat()
    assert next_day in hop.json["error"]["fields"]["region_code"][0]
    fresh = db.session.get(Member, member.id)
    db.session.refresh(fresh)
    assert (fresh.region_code, fresh.price_tier) == ("430102", member.member.price_tier)  # nothing of it saved
    assert api.patch("/me", {"region_code": "430102", "price_tier": "low"}, token=member.token).status_code == 200
    later = utcnow() + timedelta(days=app.config["REGION_CHANGE_DAYS"], minutes=1)
    assert service.update_profile(member.id, {"region_code": "440106"}, now=later).region_code == "440106"


def test_setting_the_first_region_starts_no_wait(api, make_member):
    handle = make_member(complete_profile=False)
    assert api.patch("/me", {"region_code": "440106"}, token=handle.token).status_code == 200
    assert api.patch("/me", {"region_code": "440104"}, token=handle.token).status_code == 200  # the one change
    assert api.patch("/me", {"region_code": "440103"}, token=handle.token).status_code == 422


def test_an_admin_corrects_the_region_whenever_needed(api, member):
    assert api.patch("/me", {"region_code": "430102"}, token=member.token).status_code == 200
    service.update_profile(member.id, {"region_code": "440106"}, limit_region=False)
    service.update_profile(member.id, {"region_code": "440104"}, limit_region=False)
    assert db.session.get(Member, member.id).region_code == "440104"
