"""The console's identity appeals (身份申诉): the list, an appeal's page, the decision (admins only)."""
from app.extensions import db
from app.members.models import Member

from ..appeals.test_identity_appeals import _file, squatted  # noqa: F401  (a fixture)


def test_the_console_lists_and_upholds_an_appeal(api, console, squatted):
    appeal = _file(api, squatted)
    listing = console.get("/admin/identity-appeals").get_data(as_text=True)
    assert f"/admin/identity-appeals/{appeal['id']}" in listing and squatted["phone"] not in listing
    page = console.get(f"/admin/identity-appeals/{appeal['id']}").get_data(as_text=True)
    assert 'data-testid="uphold-form"' in page and "phone never verified" not in page  # zh_CN by default
    done = console.post(f"/admin/identity-appeals/{appeal['id']}/uphold", {"uphold-reason": "核实身份证原件"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, squatted["squatter"].id).status == "locked"
    page = console.get(f"/admin/identity-appeals/{appeal['id']}").get_data(as_text=True)
    assert 'data-testid="uphold-form"' not in page
    again = console.post(f"/admin/identity-appeals/{appeal['id']}/reject", {"reject-reason": "重复"},
                         follow_redirects=True)
    assert "该申诉已处理" in again.get_data(as_text=True)


def test_a_manager_sees_the_appeals_but_cannot_decide(api, make_console, squatted):
    appeal = _file(api, squatted)
    manager = make_console("manager")
    assert manager.get(f"/admin/identity-appeals/{appeal['id']}").status_code == 200
    refused = manager.post(f"/admin/identity-appeals/{appeal['id']}/uphold", {"uphold-reason": "x"})
    assert refused.status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Member, squatted["squatter"].id).status == "active"
