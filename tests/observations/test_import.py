from datetime import date
from decimal import Decimal
from io import BytesIO

from sqlalchemy import select

from app.extensions import db
from app.observations.models import Observation

from .. import factories

HEADER = "date,licence_no,sku,stock_packs,ordered_packs,demand_packs,out_of_stock,pack_price,carton_price,channel\n"


def upload(api, token, text, name="obs.csv"):
    data = {"file": (BytesIO(text.encode("utf-8")), name, "text/csv")}
    return api.client.post("/api/v1/admin/observations/import", data=data,
                           headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")


def test_good_lines_are_imported_with_their_channel_and_bad_lines_reported_by_number(api, admin):
    shop = factories.create_retailer(licence_no="440106000001")
    spec = factories.create_product(sku="FRW-BLUE")
    text = HEADER + (
        "2026-11-18,440106000001,FRW-BLUE,12,20,25,false,26.00,250.00,terminal\n"   # line 2: good
        "2026-11-18,999999,FRW-BLUE,1,1,1,false,26.00,250.00,phone\n"              # 3: unknown licence
        "2026-11-18,440106000001,NOPE,1,1,1,false,26.00,250.00,phone\n"            # 4: unknown sku
        "2026-11-18,440106000001,FRW-BLUE,-1,1,1,false,26.00,250.00,sms\n"         # 5: negative stock
        "2026-11-18,440106000001,FRW-BLUE,1,1,1,false,26.00,250.00,fax\n"          # 6: bad channel
        "2026-13-40,440106000001,FRW-BLUE,1,1,1,false,26.00,250.00,sms\n"          # 7: bad date
        "2026-11-18,440106000001,FRW-BLUE,1,1,1,maybe,26.00,250.00,sms\n"          # 8: bad flag
        "2026-11-18,440106000001,FRW-BLUE,1,1,1,false,26.001,250.00,sms\n"         # 9: bad money
        "2026-11-18,440106000001,FRW-BLUE,1,1\n"                                   # 10: short line
        "\n"
        "2026-11-19,440106000001,FRW-BLUE,3,0,,true,,,sms\n"                       # 12: good, demand = ordered
    )
    response = upload(api, admin.token, text)
    assert response.status_code == 201, response.json
    assert response.json["imported"] == 2
    assert [e["line"] for e in response.json["errors"]] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert all(e["message"] for e in response.json["errors"])
    rows = db.session.scalars(select(Observation).order_by(Observation.id)).all()
    assert [(r.retailer_id, r.product_id, r.channel, r.week) for r in rows] == [
        (shop.id, spec.id, "terminal", "2026-W47"), (shop.id, spec.id, "sms", "2026-W47")]
    assert (rows[0].stock_packs, rows[0].ordered_packs, rows[0].demand_packs, rows[0].pack_price,
            rows[0].carton_price, rows[0].out_of_stock) == (12, 20, 25, Decimal("26.00"), Decimal("250.00"), False)
    assert (rows[1].demand_packs, rows[1].out_of_stock, rows[1].pack_price) == (0, True, None)
    assert rows[1].observed_on == date(2026, 11, 19)


def test_file_without_the_header_is_refused_and_nothing_is_imported(api, admin):
    factories.create_retailer(licence_no="440106000002")
    factories.create_product(sku="S1")
    response = upload(api, admin.token, "2026-11-18,440106000002,S1,1,1,1,false,1.00,10.00,sms\n")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "BAD_FILE"
    assert db.session.scalar(select(db.func.count()).select_from(Observation)) == 0


def test_file_that_is_not_utf8_is_refused(api, admin):
    data = {"file": (BytesIO(HEADER.encode() + "店".encode("gbk")), "x.csv", "text/csv")}
    response = api.client.post("/api/v1/admin/observations/import", data=data, headers=admin.headers,
                               content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "BAD_FILE"


def test_missing_file_field_is_a_validation_error(api, admin):
    response = api.client.post("/api/v1/admin/observations/import", data={}, headers=admin.headers,
                               content_type="multipart/form-data")
    assert response.status_code == 422
    assert "file" in response.json["error"]["fields"]


def test_future_date_is_a_line_error(api, admin):
    factories.create_retailer(licence_no="440106000003")
    factories.create_product(sku="S2")
    response = upload(api, admin.token, HEADER + "2999-01-01,440106000003,S2,1,1,1,false,1.00,10.00,sms\n")
    assert response.status_code == 201
    assert response.json == {"imported": 0, "errors": [{"line": 2, "message": response.json["errors"][0]["message"]}]}


def test_json_body_is_refused_with_415(api, admin):
    response = api.post("/admin/observations/import", {"file": "x"}, token=admin.token)
    assert response.status_code == 415


def test_staff_and_members_cannot_import(api, staff, member):
    for token, status in ((staff.token, 403), (member.token, 403), (None, 401)):
        data = {"file": (BytesIO(HEADER.encode()), "x.csv", "text/csv")}
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = api.client.post("/api/v1/admin/observations/import", data=data, headers=headers,
                                   content_type="multipart/form-data")
        assert response.status_code == status


def test_imported_and_visit_observations_feed_the_same_indicators(api, admin):
    from datetime import datetime, timezone

    from app.db import transaction
    from app.observations.service import record_observation

    shop = factories.create_retailer(licence_no="440106000009")
    spec = factories.create_product(sku="MIX", guide_price=Decimal("10.00"))
    with transaction():  # a visit in W46: stock 10
        record_observation(retailer_id=shop.id, product_id=spec.id, observed_on=date(2026, 11, 10),
                           observed_at=datetime(2026, 11, 10, 2, tzinfo=timezone.utc), stock_packs=10,
                           ordered_packs=0, channel="visit")
    text = HEADER + ("2026-11-17,440106000009,MIX,4,2,,false,11.00,108.00,sms\n"     # W47: q = 10 + 2 − 4 = 8
                     "2026-11-17,440106000009,MIX,4,2,,false,11.00,108.00,sms\n")    # the same line again
    assert upload(api, admin.token, text).json == {"imported": 2, "errors": []}
    (item,) = api.get("/admin/stats/indicators", token=admin.token, query_string={"week": "2026-W47"}).json["items"]
    assert (item["price_index"], item["stock_sales_ratio"], item["fill_rate"]) == (1.1, 0.5, 1.0)


def import_lines(api, admin, *lines):
    """Import `date,stock,ordered,demand` lines of one new shop and spec; returns (imported, error lines)."""
    shop, spec = factories.create_retailer(), factories.create_product()
    text = HEADER + "".join(f"{day},{shop.licence_no},{spec.sku},{counts},false,1.00,10.00,sms\n"
                            for day, counts in (line.split(",", 1) for line in lines))
    response = upload(api, admin.token, text)
    assert response.status_code == 201, response.json
    return response.json["imported"], response.json["errors"]


def test_counts_must_be_ascii_digits(api, admin):
    """"²" and "٣" pass str.isdigit() (and int() takes "٣"): each is a line error, not a 500 or a silent 3."""
    imported, errors = import_lines(api, admin, "2026-11-18,²,1,1", "2026-11-18,1,٣,1", "2026-11-18,1,1,１",
                                    "2026-11-18,1,1,1")
    assert imported == 1
    assert [(e["line"], e["message"].split(" ")[0]) for e in errors] == [
        (2, "stock_packs"), (3, "ordered_packs"), (4, "demand_packs")]


def test_dates_before_2000_are_line_errors(api, admin):
    imported, errors = import_lines(api, admin, "0001-01-01,1,1,1", "1999-12-31,1,1,1", "9999-12-31,1,1,1",
                                    "2000-01-01,1,1,1")
    assert imported == 1
    assert [e["line"] for e in errors] == [2, 3, 4]
    assert "2000-01-01" in errors[0]["message"]
    (row,) = db.session.scalars(select(Observation)).all()
    assert row.week == "1999-W52"  # 1 January 2000 is a Saturday
