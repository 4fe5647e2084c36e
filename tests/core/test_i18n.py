from app.i18n_tools import untranslated


def test_every_user_facing_string_has_a_chinese_translation():
    assert untranslated() == {}, "run `flask i18n extract` and translate the new msgids"


def test_validation_messages_reach_the_caller_in_chinese_by_default(api):
    zh = api.post("/members", {}).json["error"]["fields"]["phone"]
    en = api.post("/members", {}, headers={"Accept-Language": "en"}).json["error"]["fields"]["phone"]
    assert zh == ["此字段为必填项。"] and en == ["Missing data for required field."]


def test_messages_with_numbers_are_translated_too(api, member):
    response = api.get("/me/points?per_page=500", token=member.token)
    assert response.status_code == 422
    assert response.json["error"]["fields"]["per_page"] == ["须在 1 到 100 之间。"]
