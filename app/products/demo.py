"""Demo products: well-known specs with their usual prices (yuan) and price classes."""
from decimal import Decimal

from . import service

# sku, name, brand, pack, carton, wholesale per carton, price class, points per pack
DEMO_PRODUCTS = [
    ("6901028001540", "中华(硬)", "中华", "45.00", "450.00", "391.50", 1, 3),
    ("6901028075022", "芙蓉王(蓝)", "芙蓉王", "26.00", "260.00", "226.20", 1, 2),
    ("6901028180566", "黄鹤楼(软蓝)", "黄鹤楼", "19.00", "190.00", "165.30", 1, 2),
    ("6901028315005", "利群(新版)", "利群", "14.00", "140.00", "121.80", 2, 1),
    ("6901028118170", "玉溪(软)", "玉溪", "23.00", "230.00", "200.10", 1, 2),
    ("6901028221450", "云烟(紫)", "云烟", "11.00", "110.00", "95.70", 3, 1),
]


def seed_products(ctx):
    ctx["products"] = [
        service.add_product(sku=sku, name=name, brand=brand, pack_price=Decimal(pack), carton_price=Decimal(carton),
                            guide_price=Decimal(pack), wholesale_price=Decimal(wholesale), price_class=price_class,
                            points_per_pack=points)
        for sku, name, brand, pack, carton, wholesale, price_class, points in DEMO_PRODUCTS]
