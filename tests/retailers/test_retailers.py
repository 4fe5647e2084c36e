import io

from ..factories import create_retailer

HEADER = "licence_no,name,owner,address,lat,lon,region_code,format,market_type,district_type,customer_class,is_chain,is_sample\n"
GOOD_1 = "440106100001,天河烟酒行,王五,天河路1号,23.1300,113.3250,440106,烟酒商店,城镇,商业(集贸)区,核心,否,是\n"
GOOD_2 = "440106100002,好又多便利店,,,23.1310,113.3260,440106,convenience,urban,residential,key,1,0\n"
BAD_REGION = "440106100003,坏区号店,,,23.13,113.32,999999,grocery,urban,other,general,0,0\n"
BAD_FORMAT = "440106100004,坏业态店,,,23.13,113.32,440106,茶馆,urban,other,general,0,0\n"
ONE_COORD = "440106100005,半个坐标店,,,23.13,,440106,grocery,urban,other,general,0,0\n"


def _import(api, admin, text, mode=None, encoding="utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding)), "retailers.csv", "text/csv")}
    if mode:
        data["mode"] = mode
    return api.post("/admin/retailers/import", token=admin.token, data=data, content_type="multipart/form-data")


def test_admin_creates_a_retailer_and_a_repeated_licence_is_refused(api, admin):
    body = {"licence_no": "440106200001", "name": "天河便利", "region_code": "440106", "lat": 23.1291,
            "lon": 113.324, "format": "convenience", "is_sample": True}
    response = api.post("/admin/retailers", body, token=admin.token)
    assert response.status_code == 201, response.json
    assert response.json["name"] == "天河便利" and response.json["is_sample"] is True
    assert response.json["market_type"] == "urban" and response.json["customer_class"] == "general"
    again = api.post("/admin/retailers", body, token=admin.token)
    assert again.status_code == 409 and again.json["error"]["code"] == "LICENCE_TAKEN"


def test_retailer_with_bad_enum_region_or_one_coordinate_is_422(api, admin):
    response = api.post("/admin/retailers", {"licence_no": "1", "name": "x", "region_code": "999999",
                                             "format": "teahouse", "lat": 23.1}, token=admin.token)
    assert response.status_code == 422
    assert {"region_code", "format"} <= set(response.json["error"]["fields"])
    response = api.post("/admin/retailers", {"licence_no": "1", "name": "x", "region_code": "440106", "lat": 23.1},
                        token=admin.token)
    assert response.status_code == 422 and "lat" in response.json["error"]["fields"]


def test_staff_list_near_a_point_is_nearest_first_with_distances(api, staff):
    far = create_retailer(lat=23.1391, lon=113.3240)       # ~1.1 km north
    near = create_retailer(lat=23.1300, lon=113.3240)      # ~100 m north
    create_retailer(lat=28.1941, lon=112.9723)             # Changsha, out of range
    create_retailer(lat=None, lon=None)                    # not located
    response = api.get("/staff/retailers?near=23.1291,113.3240", token=staff.token)
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert [r["id"] for r in items] == [near.id, far.id] and response.json["total"] == 2
    assert 95 <= items[0]["distance_m"] <= 105 and 1100 <= items[1]["distance_m"] <= 1120


def test_staff_search_by_name_has_no_distance(api, staff):
    create_retailer(name="五羊烟酒")
    create_retailer(name="珠江便利")
    response = api.get("/staff/retailers?q=五羊", token=staff.token)
    assert [r["name"] for r in response.json["items"]] == ["五羊烟酒"]
    assert "distance_m" not in response.json["items"][0]


def test_malformed_near_is_422(api, staff):
    response = api.get("/staff/retailers?near=north", token=staff.token)
    assert response.status_code == 422 and "near" in response.json["error"]["fields"]


def test_import_all_or_nothing_with_bad_rows_imports_nothing_and_lists_every_bad_line(api, admin):
    text = HEADER + GOOD_1 + BAD_REGION + GOOD_2 + BAD_FORMAT + ONE_COORD
    response = _import(api, admin, text)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "IMPORT_REJECTED" and error["imported"] == 0
    assert [e["line"] for e in error["errors"]] == [3, 5, 6]
    assert "region_code" in error["errors"][0]["message"] and "format" in error["errors"][1]["message"]
    assert api.get("/admin/retailers", token=admin.token).json["total"] == 0


def test_import_good_rows_imports_them_and_reports_the_bad(api, admin):
    text = HEADER + GOOD_1 + BAD_REGION + GOOD_2 + GOOD_1
    response = _import(api, admin, text, mode="good_rows")
    assert response.status_code == 201, response.json
    assert response.json["imported"] == 2
    assert [(e["line"], "与第 2 行重复" in e["message"]) for e in response.json["errors"]] == [(3, False), (5, True)]
    listed = api.get("/admin/retailers?q=天河烟酒行", token=admin.token).json["items"]
    assert listed[0]["format"] == "tobacco_liquor" and listed[0]["district_type"] == "commercial"
    assert listed[0]["customer_class"] == "core" and listed[0]["is_sample"] is True and listed[0]["is_chain"] is False
    # a second import of the same list: every row now exists
    again = _import(api, admin, HEADER + GOOD_1, mode="good_rows")
    assert again.json["imported"] == 0 and "已存在" in again.json["errors"][0]["message"]


def test_import_with_a_column_named_twice_is_rejected_at_line_1(api, admin):
    response = _import(api, admin, HEADER.strip() + ",name\n" + GOOD_1.strip() + ",别名\n", mode="good_rows")
    assert response.status_code == 422 and response.json["error"]["errors"] == [
        {"line": 1, "message": "列名重复：name。"}]


def test_import_row_messages_speak_the_callers_language(api, admin):
    bad_lat = "440106100006,坏坐标店,,,north,113.32,440106,grocery,urban,other,general,0,0\n"
    zh = _import(api, admin, HEADER + bad_lat).json["error"]["errors"][0]["message"]
    en = api.post("/admin/retailers/import", token=admin.token, content_type="multipart/form-data",
                  headers={"Accept-Language": "en"},
                  data={"file": (io.BytesIO((HEADER + bad_lat).encode()), "r.csv", "text/csv")})
    assert zh == "lat: 不是有效的数字。" and en.json["error"]["errors"][0]["message"] == "lat: Not a valid number."


def test_import_reads_gb18030_files_from_excel(api, admin):
    response = _import(api, admin, HEADER + GOOD_1, encoding="gb18030")
    assert response.status_code == 201 and response.json == {"imported": 1, "errors": []}


def test_import_without_required_columns_is_rejected_at_line_1(api, admin):
    response = _import(api, admin, "name\n某店\n")
    assert response.status_code == 422 and response.json["error"]["errors"][0]["line"] == 1


def test_import_of_thousands_of_rows(api, admin):
    rows = "".join(f"4401{i:08d},店{i},,,{23 + i / 100000:.6f},113.3,440106,grocery,urban,other,general,0,0\n"
                   for i in range(3000))
    response = _import(api, admin, HEADER + rows)
    assert response.status_code == 201 and response.json["imported"] == 3000


def test_admin_filters_retailers_by_county_city_or_province(api, admin):
    tianhe = create_retailer(region_code="440106")
    create_retailer(region_code="440110")
    create_retailer(region_code="430102")
    for code, expected in (("440106", 1), ("440100", 2), ("440000", 2), ("430000", 1)):
        assert api.get(f"/admin/retailers?region_code={code}", token=admin.token).json["total"] == expected, code
    assert api.get("/admin/retailers?region_code=440106", token=admin.token).json["items"][0]["id"] == tianhe.id


def test_admin_patches_only_the_fields_given_and_closed_stores_leave_the_staff_list(api, admin, staff):
    retailer = create_retailer(name="旧名", customer_class="key")
    response = api.patch(f"/admin/retailers/{retailer.id}", {"name": "新名", "is_sample": False}, token=admin.token)
    assert response.status_code == 200, response.json
    assert (response.json["name"], response.json["customer_class"], response.json["is_sample"]) == ("新名", "key", False)
    assert api.patch(f"/admin/retailers/{retailer.id}", {"lat": None}, token=admin.token).status_code == 422
    taken = api.patch(f"/admin/retailers/{retailer.id}", {"licence_no": create_retailer().licence_no},
                      token=admin.token)
    assert taken.status_code == 409
    api.patch(f"/admin/retailers/{retailer.id}", {"status": "closed"}, token=admin.token)
    assert retailer.id not in [r["id"] for r in api.get("/staff/retailers", token=staff.token).json["items"]]


def test_a_large_import_answers_202_and_the_worker_imports_it_in_chunks(app, api, admin, monkeypatch):
    from app.retailers import service

    app.config["RETAILER_IMPORT_SYNC_MAX_BYTES"] = 100
    monkeypatch.setattr(service, "IMPORT_CHUNK", 4)
    rows = "".join(f"L{n:05d},店{n},440106\n" for n in range(10)) + "BAD,,440106\n"
    response = _import(api, admin, "licence_no,name,region_code\n" + rows, mode="good_rows")
    assert response.status_code == 202 and response.json["kind"] == "retailer_import"
    state = api.get(f"/admin/tasks/{response.json['id']}", token=admin.token).json
    assert state["status"] == "done" and state["done"] == 10
    assert state["summary"] == {"imported": 10, "errors": 1, "rejected": False}
    report = api.get(state["result_url"], token=admin.token).get_data().decode("utf-8-sig").splitlines()
    assert report[0] == "line,message" and report[1].startswith("12,")
