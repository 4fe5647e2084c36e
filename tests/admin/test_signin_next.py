"""Issue 16, hole 5: a hostile `next` (CR/LF and other control characters, `//evil`, `\\evil`, absolute URLs)
sends the console to its dashboard: never a 500, never off-site."""
import pytest

HOSTILE = ["/admin/\r\nSet-Cookie: x=1", "/admin\nLocation: https://evil.example", "/admin/\x00", "/admin/\t/x",
           "//evil.example", "\\\\evil.example", "/\\evil.example", "/admin\\..\\..\\evil", "https://evil.example/admin",
           "javascript:alert(1)", "//[::1", "http://[bad", "/administrator", " /admin/staff", "/admin/\x85"]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_next_lands_on_the_dashboard(console, target):
    response = console.get("/admin/login", query_string={"next": target})
    assert response.status_code == 302 and response.location == "/admin/"


@pytest.mark.parametrize("target", HOSTILE[:4] + ["//evil.example"])
def test_a_hostile_next_after_switching_language_lands_on_the_dashboard(console, target):
    response = console.post("/admin/language/en", {"next": target})
    assert response.status_code == 302 and response.location == "/admin/"


def test_a_console_page_is_still_where_sign_in_returns(console):
    response = console.get("/admin/login", query_string={"next": "/admin/members?q=%E5%BC%A0&page=2"})
    assert response.status_code == 302 and response.location == "/admin/members?q=%E5%BC%A0&page=2"
