"""Issue 16, hole 2: sign-in throttles keyed on the normalised identity, per (account, address) with a higher
per-account ceiling; a locked account answers ACCOUNT_LOCKED whatever the password."""
from app.auth.service import set_staff_status
from app.members.service import lock_member

from ..admin.conftest import Console
from ..factories import PASSWORD

STRANGER, OWNER = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}


def _login(api, phone, password=PASSWORD, address=STRANGER):
    return api.post("/auth/login", {"phone": phone, "password": password}, environ_base=address)


def _respellings(phone):
    full_width = phone.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"})
    arabic_indic = phone.translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"})
    return [f"P{phone} ext 1", full_width, arabic_indic, f"+86 {phone[:3]}-{phone[3:]}", f"{phone} ext. 42",
            f"tel:+86{phone}"]


def test_respelling_the_phone_does_not_buy_more_guesses(api, member):
    phone = member.member.phone
    spellings = _respellings(phone)
    assert [_login(api, s, "wrong-password").status_code for s in spellings[:5]] == [401] * 5
    for spelling in [phone, *spellings]:  # each spelling names the one account, now throttled
        assert _login(api, spelling).status_code == 429, spelling


def test_a_stranger_guessing_does_not_lock_the_owner_out(api, member):
    phone = member.member.phone
    assert [_login(api, phone, "wrong-password").status_code for _ in range(5)] == [401] * 5
    assert _login(api, phone, "wrong-password").status_code == 429
    assert _login(api, phone).status_code == 429  # the guesser's address waits, even with the right password
    owner = _login(api, phone, address=OWNER)
    assert owner.status_code == 200, owner.json


def test_guessing_from_many_addresses_meets_the_per_account_ceiling(app, api, member):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "8 per 15 minutes"
    phone = member.member.phone
    for n in range(4):
        address = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        assert [_login(api, phone, "wrong-password", address).status_code for _ in range(2)] == [401, 401]
    assert _login(api, phone, "wrong-password", {"REMOTE_ADDR": "192.0.2.99"}).status_code == 429


def test_staff_usernames_are_one_account_in_any_case_and_on_both_doors(app, api, client, staff):
    username = staff.user.username
    for spelling in (username, username.upper(), f" {username.title()} "):
        body = {"username": spelling, "password": "wrong-password"}
        assert api.post("/staff/login", body, environ_base=STRANGER).status_code == 401
    console = Console(client)
    console.client.environ_base.update(STRANGER)
    assert console.login(username.upper(), "wrong-password").status_code == 401
    assert console.login(username, "wrong-password").status_code == 401
    assert console.login(username, staff.password).status_code == 429  # five failures, whichever door
    right = api.post("/staff/login", {"username": username, "password": staff.password}, environ_base=STRANGER)
    assert right.status_code == 429


def test_a_locked_member_gets_the_same_answer_whatever_the_password(api, member):
    lock_member(member.id, "刷码嫌疑")
    right, wrong = _login(api, member.member.phone), _login(api, member.member.phone, "wrong-password")
    assert right.status_code == wrong.status_code == 403
    assert right.json == wrong.json and right.json["error"]["code"] == "ACCOUNT_LOCKED"


def test_a_locked_staff_member_gets_the_same_answer_whatever_the_password(api, staff):
    set_staff_status(staff.id, "locked")
    answers = [api.post("/staff/login", {"username": staff.user.username, "password": password})
               for password in (staff.password, "wrong-password")]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json == answers[1].json and answers[0].json["error"]["code"] == "ACCOUNT_LOCKED"
