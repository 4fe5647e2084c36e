"""The dashboard's figures: today and this week, from members, scans and the ledger."""
from datetime import timedelta
from decimal import Decimal

from app.admin.dashboard import daily, summary
from app.codes.models import CodeBatch, Scan
from app.db import transaction, utcnow
from app.extensions import db
from app.points.service import post_entry
from app.products.models import Product


def _scan(member_id, code, when):
    with transaction():
        product = db.session.query(Product).first()
        if product is None:
            product = Product(sku="6901028000001", name="红塔山(经典)", brand="红塔山", pack_price=Decimal("10"),
                              carton_price=Decimal("100"), guide_price=Decimal("10"),
                              wholesale_price=Decimal("90"), points_per_pack=2, status="active")
            db.session.add(product)
            db.session.flush()
            db.session.add(CodeBatch(product_id=product.id, source="generated", count=10, status="active"))
            db.session.flush()
        batch = db.session.query(CodeBatch).first()
        db.session.add(Scan(code=code, batch_id=batch.id, product_id=product.id, member_id=member_id,
                            points_awarded=2, created_at=when))
        post_entry(member_id, 2, "scan", now=when)


def test_today_counts_new_members_scans_and_points(app, make_member):
    member = make_member().member
    _scan(member.id, "A1", utcnow())
    _scan(member.id, "A2", utcnow())
    _scan(member.id, "OLD", utcnow() - timedelta(days=8))
    with transaction():
        post_entry(member.id, -3, "redeem")
        post_entry(member.id, 7, "adjust")  # a correction, not issued (as in the statistics)
    figures = summary()
    assert figures["today"].new_members == 1 and figures["today"].scans == 2
    assert figures["today"].points_issued == 4 and figures["today"].points_spent == 3
    assert figures["week"].scans >= 2
    series = daily()
    assert len(series) == 14 and series[-1][1].scans == 2
    assert sum(f.scans for _d, f in series) == 3


def test_dashboard_page_shows_tiles_and_charts(console, member):
    page = console.get("/admin/").get_data(as_text=True)
    assert 'data-testid="tile-new_members"' in page and page.count("<svg") == 4


def test_days_are_shanghai_days(app, make_member):
    from datetime import datetime, timezone

    member = make_member().member
    _scan(member.id, "LATE", datetime(2026, 11, 20, 15, 59, 59, tzinfo=timezone.utc))  # 23:59:59 in Shanghai
    _scan(member.id, "EARLY", datetime(2026, 11, 20, 16, 0, 0, tzinfo=timezone.utc))  # 00:00 next day
    series = dict(daily(now=datetime(2026, 11, 22, 4, 0, tzinfo=timezone.utc)))
    from datetime import date

    assert series[date(2026, 11, 20)].scans == 1 and series[date(2026, 11, 21)].scans == 1
    assert series[date(2026, 11, 20)].points_issued == 2
    figures = summary(now=datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc))
    assert figures["today"].scans == 1


def test_mall_tiles_count_redemptions_low_stock_gifts_and_open_complaints(console, member):
    from app.admin.dashboard import mall
    from app.complaints import service as complaints
    from app.redemptions import service as redemptions
    from tests import factories

    scarce = factories.create_gift(name="限量打火机", stock=3)
    factories.create_gift(name="充足保温杯", stock=50)
    retired = factories.create_gift(name="旧款雨伞", stock=1)
    with transaction():
        from app.gifts.service import retire_gift

        retire_gift(retired.id)
    factories.grant_points(member.id, 1000)
    kept, _ = redemptions.redeem(member.id, scarce.id, 1, {"method": "pickup"})
    dropped, _ = redemptions.redeem(member.id, scarce.id, 1, {"method": "pickup"})
    redemptions.cancel(dropped.id, by="admin", reason="测试")
    last_week = utcnow() - timedelta(days=8)
    with transaction():
        db.session.get(type(kept), kept.id).created_at = last_week
    redemptions.redeem(member.id, scarce.id, 1, {"method": "pickup"})
    open_case = complaints.file_complaint(member.id, kind="complaint", content="破损")
    closed = complaints.file_complaint(member.id, kind="suggestion", content="建议")
    complaints.close(closed.id, "rejected", "不采纳")
    figures = mall()
    assert figures["redemptions_today"] == 1  # the cancelled one and last week's are left out
    assert figures["redemptions_week"] == 1
    assert [g.name for g in figures["low_stock"]] == ["限量打火机"] and figures["low_stock_count"] == 1
    assert figures["open_complaints"] == 1 and open_case.status == "open"
    page = console.get("/admin/").get_data(as_text=True)
    assert 'data-testid="tile-low-stock"' in page and "限量打火机" in page and "充足保温杯" not in page


def test_points_spent_is_positive_and_tile_and_chart_agree_with_cancelled_redemptions(console, member):
    """Spent: what redemptions took on the day they were made, cancelled ones left out, on tile and chart."""
    import re

    from app.redemptions import service as redemptions
    from tests import factories

    lighter = factories.create_gift(name="打火机", points_cost=100, stock=50)
    cup = factories.create_gift(name="保温杯", points_cost=400, stock=50)
    factories.grant_points(member.id, 5000, now=utcnow() - timedelta(days=3))
    yesterday = utcnow() - timedelta(days=1)
    early, _ = redemptions.redeem(member.id, cup.id, 3, {"method": "pickup"}, now=yesterday)  # 1200
    redemptions.redeem(member.id, lighter.id, 2, {"method": "pickup"})  # 200, kept
    dropped, _ = redemptions.redeem(member.id, cup.id, 1, {"method": "pickup"})  # 400, cancelled
    redemptions.cancel(dropped.id, by="admin", reason="测试")
    redemptions.cancel(early.id, by="admin", reason="测试")  # yesterday's, refunded today
    figures = summary()
    assert figures["today"].points_spent == 200  # was 200 + 400 - 400 - 1200 = -1200 by refund day
    series = dict(daily())
    today = max(series)
    assert series[today].points_spent == figures["today"].points_spent
    assert series[today - timedelta(days=1)].points_spent == 0
    assert all(f.points_spent >= 0 for f in series.values())
    assert figures["week"].points_spent == sum(f.points_spent for day, f in series.items()
                                               if day >= today - timedelta(days=today.weekday()))
    page = console.get("/admin/").get_data(as_text=True)
    tile = page[page.index('data-testid="tile-points_spent"'):]
    assert re.search(r'class="tile-value"><span[^>]*>200</span>', tile)
    chart = page[page.index('data-testid="chart-spent"'):]
    assert "-1200" not in page and re.search(r"<title>[\d-]+: 200</title>", chart)
    assert 'data-testid="spent-definition"' in page


def test_dashboard_lists_promo_items_under_their_threshold_and_the_gift_threshold_is_a_setting(console, app):
    from app.admin.dashboard import mall
    from app.promo import service as promo
    from tests import factories

    short = promo.create_item(name="台历", unit="本", unit_cost="5.00", low_stock_threshold=20)
    promo.inbound(item_id=short.id, quantity=8, recorded_by=console.admin.id)
    plenty = promo.create_item(name="扑克牌", unit="副", unit_cost="1.00", low_stock_threshold=5)
    promo.inbound(item_id=plenty.id, quantity=50, recorded_by=console.admin.id)
    factories.create_gift(name="雨伞", stock=4)
    figures = mall()
    assert [i.name for i in figures["low_items"]] == ["台历"] and figures["low_items_count"] == 1
    assert figures["low_stock_count"] == 1  # 4 ≤ the default GIFT_LOW_STOCK of 5
    page = console.get("/admin/").get_data(as_text=True)
    tile = page[page.index('data-testid="tile-low-items"'):page.index('data-testid="tile-open-complaints"')]
    assert "台历: 8 / 20" in tile and "扑克牌" not in tile
    app.config["GIFT_LOW_STOCK"] = 3
    assert mall()["low_stock_count"] == 0
