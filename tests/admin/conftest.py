"""Console helpers: a browser-like client that signs in and posts forms with their CSRF token."""
import re
import time

import pytest

from tests import factories

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _fresh_g():
    # The `app` fixture keeps one app context open for the whole test, so requests made with the test
    # client share its `g`; a browser's requests never do. Forget what a previous request cached there
    # (Flask-WTF's CSRF token, the signed-in staff).
    from flask import g

    for name in ("csrf_token", "staff", "console_expired", "_flask_babel"):
        g.pop(name, None)


class Console:
    def __init__(self, client):
        self.client = client

    def session(self):
        """The console session (its cookie is scoped to /admin)."""
        return self.client.session_transaction("/admin/")

    def csrf_token(self, path="/admin/login"):
        page = self.get(path)
        match = CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2)

    def login(self, username, password):
        token = self.csrf_token("/admin/login")
        _fresh_g()
        return self.client.post("/admin/login", data={"username": username, "password": password,
                                                      "csrf_token": token})

    def get(self, path, **kw):
        _fresh_g()
        return self.client.get(path, **kw)

    def post(self, path, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf_token("/admin/")
        _fresh_g()
        return self.client.post(path, data=data, **kw)


@pytest.fixture
def console(client, admin):
    """A console signed in as the `admin` fixture."""
    c = Console(client)
    response = c.login(admin.user.username, admin.password)
    assert response.status_code == 302, response.get_data(as_text=True)
    c.admin = admin
    return c


@pytest.fixture
def anonymous(client):
    return Console(client)


@pytest.fixture
def make_console(app):
    """make_console(role) → a console signed in on its own client as a new account of that role."""

    def make(role="admin"):
        handle = factories.create_staff(role=role)
        c = Console(app.test_client())
        response = c.login(handle.user.username, handle.password)
        c.account = handle
        c.response = response
        return c

    return make


def wait_for_task(console, url, timeout=30):
    """Poll a console task's progress JSON until it is done or failed."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = console.get(url).get_json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"task did not finish: {state}")
