"""Demo data for field marketing (`flask demo seed`): retailers in 广州 and 长沙, staff01's visit plans and visits
with observations, promo items and stock, plans and two activities. Runs after the accounts (and, when there
is one, the products) seeder; it makes three specs of its own if no product exists yet."""
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from .extensions import db
from .timeutil import LOCAL_TZ, local_today

CITIES = [  # (centre lat, lon, county codes, street names)
    (23.1291, 113.3240, ["440106", "440104", "440105"], ["天河路", "体育西路", "珠江新城", "北京路", "江南西路", "石牌桥"]),
    (28.1941, 112.9723, ["430102", "430103"], ["五一大道", "黄兴路", "解放西路", "芙蓉中路", "坡子街"]),
]
SHOP_SUFFIXES = [("烟酒商行", "tobacco_liquor"), ("便利店", "convenience"), ("食杂店", "grocery"), ("超市", "supermarket"),
                 ("副食店", "grocery"), ("烟酒店", "tobacco_liquor")]
DISTRICTS = ["commercial", "residential", "school", "government", "transit", "leisure"]
ITEMS = [("打火机", "个", "2.50", 30, 100), ("烟灰缸", "个", "12.00", 150, 30), ("帆布袋", "个", "8.50", 100, 50),
         ("扑克牌", "副", "3.00", 40, 80)]


def _local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _products():
    from .products.models import Product

    products = db.session.scalars(select(Product).order_by(Product.id).limit(4)).all()
    if products:
        return products
    specs = [("6901028075831", "芙蓉王(硬)", "芙蓉王", "25.00", "250.00", "215.00"),
             ("6901028001915", "中华(硬)", "中华", "45.00", "450.00", "380.00"),
             ("6901028180566", "白沙(精品)", "白沙", "10.00", "100.00", "82.00")]
    for sku, name, brand, pack, carton, wholesale in specs:
        db.session.add(Product(sku=sku, name=name, brand=brand, pack_price=Decimal(pack), carton_price=Decimal(carton),
                               guide_price=Decimal(pack), wholesale_price=Decimal(wholesale)))
    db.session.flush()
    return db.session.scalars(select(Product).order_by(Product.id)).all()


def _retailers(faker):
    from .retailers.service import create_retailer

    retailers, n = [], 0
    for (lat, lon, counties, streets), count in zip(CITIES, (18, 12)):
        for _ in range(count):
            n += 1
            suffix, shop_format = random.choice(SHOP_SUFFIXES)
            county = random.choice(counties)
            street = random.choice(streets)
            retailers.append(create_retailer({
                "licence_no": f"{county}{n:06d}", "name": f"{faker.last_name()}记{suffix}", "owner": faker.name(),
                "address": f"{street}{random.randint(1, 300)}号", "region_code": county,
                "lat": round(lat + random.uniform(-0.02, 0.02), 6), "lon": round(lon + random.uniform(-0.02, 0.02), 6),
                "format": shop_format, "market_type": "urban", "district_type": random.choice(DISTRICTS),
                "customer_class": random.choice(["core", "core", "key", "general"]), "is_chain": suffix == "便利店",
                "is_sample": n % 3 == 0}))
    return retailers


def _visit(staff, retailer, products, at, plan_id=None, minutes=20):
    from .visits import service as visits

    visit = visits.check_in(staff_id=staff.id, retailer_id=retailer.id, lat=float(retailer.lat),
                            lon=float(retailer.lon), planned_visit_id=plan_id, now=at)
    items = []
    for product in products:
        stock = random.randint(0, 40)
        items.append({"product_id": product.id, "pack_price": product.pack_price,
                      "carton_price": product.carton_price - random.choice([0, 0, 5, 10]), "stock_packs": stock,
                      "ordered_packs": random.choice([0, 10, 20, 30]), "out_of_stock": stock == 0})
    visits.add_observations(staff_id=staff.id, visit_id=visit.id, items=items, now=at + timedelta(minutes=5))
    visits.check_out(staff_id=staff.id, visit_id=visit.id, notes=random.choice(["陈列规范", "库存充足", "建议补货",
                                                                                   "价格稳定"]),
                     now=at + timedelta(minutes=minutes))


def _visits(ctx, retailers, products):
    from .visits import service as visits

    staff01, admin, today = ctx["staff"][0], ctx["admin"], local_today()
    monday = today - timedelta(days=today.weekday())
    guangzhou = retailers[:18]
    for i, retailer in enumerate(guangzhou[:6]):
        day = min(monday + timedelta(days=i), today)
        plan = visits.create_plan(staff_id=staff01.id, retailer_id=retailer.id, planned_on=day, created_by=admin.id)
        if day < today and i != 3:  # one plan missed, today's still to do
            _visit(staff01, retailer, products, _local(day, 10), plan.id)
    samples = [r for r in guangzhou if r.is_sample]
    for weeks_back in (3, 2, 1):  # weekly price and stock collection of the sample retailers
        for j, retailer in enumerate(samples):
            _visit(staff01, retailer, products, _local(monday - timedelta(weeks=weeks_back) + timedelta(days=j % 5), 14))


def _promo(ctx, retailers):
    from .promo import service as promo

    staff01, admin, today = ctx["staff"][0], ctx["admin"], local_today()
    items = []
    for name, unit, cost, points, threshold in ITEMS:
        item = promo.create_item(name=name, unit=unit, unit_cost=cost, points_cost=points, low_stock_threshold=threshold)
        promo.inbound(item_id=item.id, quantity=threshold * 5, note="年度采购入库", recorded_by=admin.id)
        promo.move(staff_id=staff01.id, kind="requisition", item_id=item.id, quantity=threshold // 2 + 10)
        promo.create_plan(item_id=item.id, region_code="440100", month=today.strftime("%Y-%m"), quantity=threshold * 2)
        items.append(item)
    promo.move(staff_id=staff01.id, kind="distribution", item_id=items[0].id, quantity=8, retailer_id=retailers[0].id,
               note="零售户陈列奖励")
    promo.move(staff_id=staff01.id, kind="consumption", item_id=items[3].id, quantity=5, note="品鉴会现场使用")
    ctx["promo_items"] = items
    _requisitions(ctx, items)
    _exchange(ctx, items[0])


def _requisitions(ctx, items):
    """Above the monthly quota (领用额度) a requisition waits for the admin (领用审批): one approved, one pending."""
    from .promo import requisitions, service as promo

    staff01, staff02 = ctx["staff"][:2]
    approved = promo.move(staff_id=staff02.id, kind="requisition", item_id=items[2].id, quantity=120,
                          note="国庆旺季陈列备货")
    requisitions.approve(approved.id, decided_by=ctx["admin"].id, note="旺季特批")
    promo.move(staff_id=staff01.id, kind="requisition", item_id=items[0].id, quantity=60, note="集盒换奖活动追加")


def _exchange(ctx, item):
    """兑换 at a tasting: the member shows the member code (会员码), the staff member scans it."""
    from .members import member_codes
    from .members.models import Member
    from .promo import service as promo

    when = ctx["now"] - timedelta(days=3, hours=12)  # after the older scans, before the mall's days
    member_id = db.session.scalar(select(Member.id).where(Member.points_balance >= item.points_cost,
                                                          Member.status == "active").order_by(Member.id).limit(1))
    code, _ttl = member_codes.issue(member_id, now=when)
    promo.move(staff_id=ctx["staff"][0].id, kind="exchange", item_id=item.id, quantity=1, member_code=code,
               note="品鉴会现场兑换", now=when)


def _activities(ctx, retailers, products):
    from .activities import service as activities
    from .activities.models import ActivityRecord
    from .promo import service as promo

    staff01, admin, today = ctx["staff"][0], ctx["admin"], local_today()
    ended = activities.create_activity({
        "name": "芙蓉王(硬)品鉴座谈会", "type": "tasting", "region_code": "440106", "starts_on": today - timedelta(days=9),
        "ends_on": today - timedelta(days=3), "strategy": "邀请核心客户与消费者品鉴", "standard": "到场30人以上，动销100包",
        "item_budget": Decimal("300.00"), "product_ids": [products[0].id],
        "retailer_ids": [r.id for r in retailers[:4]], "staff_ids": [staff01.id]}, created_by=admin.id)
    ongoing = activities.create_activity({
        "name": "集五空盒换打火机", "type": "collect_packs", "region_code": "430102", "starts_on": today - timedelta(days=2),
        "ends_on": today + timedelta(days=12), "standard": "每店兑换20次以上", "item_budget": Decimal("200.00"),
        "product_ids": [p.id for p in products[:2]], "retailer_ids": [r.id for r in retailers[18:22]],
        "staff_ids": [s.id for s in ctx["staff"][:2]]}, created_by=admin.id)
    lighter, bag = ctx["promo_items"][0], ctx["promo_items"][2]
    at = _local(today - timedelta(days=6), 19)
    record = ActivityRecord(activity_id=ended.id, staff_id=staff01.id, note="到场36人，现场气氛热烈", attendees=36,
                            packs_sold=128, photos=[], created_at=at)
    db.session.add(record)
    db.session.flush()
    for item, quantity in ((lighter, 20), (bag, 10)):
        promo.move(staff_id=staff01.id, kind="distribution", item_id=item.id, quantity=quantity, activity_id=ended.id,
                   record_id=record.id, now=at)
    activities.add_record(activity_id=ongoing.id, staff_id=staff01.id, note="首日兑换12次", attendees=0, packs_sold=60,
                          items=[{"item_id": lighter.id, "quantity": 12, "kind": "distribution"}])


def seed_field(ctx):
    products = _products()
    retailers = _retailers(ctx["faker"])
    _visits(ctx, retailers, products)
    _promo(ctx, retailers)
    _activities(ctx, retailers, products)
