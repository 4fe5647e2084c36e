"""Deny by default, proven over every API route: the matrix is generated from the app's URL map, so a
new route is checked the moment it exists (and fails here if it declares no access)."""
import re


from app.auth.tokens import issue_token
from app.db import transaction

from ..factories import create_member, create_staff

DOC_ENDPOINTS = ("api-docs.", "apidocs_assets")
IDENTITIES = ("anonymous", "member", "other_member", "staff", "admin")


def api_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith(DOC_ENDPOINTS):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule):
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "999999" if "id" in m.group(1) else "x", rule.rule)


def test_every_api_route_declares_its_access(app):
    undeclared = [f"{m} {r.rule}" for r, m in api_routes(app)
                  if getattr(app.view_functions[r.endpoint], "_access", None) is None]
    assert undeclared == []


def test_role_matrix(app, client):
    people = {"member": create_member(), "other_member": create_member(),
              "staff": create_staff(role="staff"), "admin": create_staff(role="admin")}
    roles = {"member": "member", "other_member": "member", "staff": "staff", "admin": "admin"}
    failures, checked = [], 0
    for rule, method in api_routes(app):
        access = app.view_functions[rule.endpoint]._access
        for who in IDENTITIES:
            headers = {}
            if who != "anonymous":
                handle = people[who]
                with transaction():  # a fresh token per call: logout and friends may end the one used
                    kind = {"member_id": handle.id} if roles[who] == "member" else {"staff_id": handle.id}
                    token, _ = issue_token(**kind)
                headers["Authorization"] = f"Bearer {token}"
            status = client.open(_url(rule), method=method, headers=headers).status_code
            checked += 1
            if access == "public":
                ok = status not in (401, 403) or rule.rule.endswith("/login")
            elif who == "anonymous":
                ok = status == 401
            elif roles[who] in access:
                ok = status not in (401, 403)
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{who:>12} {method:6} {rule.rule} → {status} (access {sorted(access) if access != 'public' else 'public'})")
            assert status != 500, f"{who} {method} {rule.rule} answered 500"
    assert not failures, "\n".join(failures)
    assert checked >= 5 * 10
