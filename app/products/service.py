"""Product use cases (卷烟规格): add, edit, retire, list. Each owns its transaction."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import transaction
from ..errors import Conflict, NotFound
from ..extensions import db
from ..pagination import paginate
from .models import Product


class SkuTaken(Conflict):
    code, message = "SKU_TAKEN", _l("A product with this SKU already exists.")


def default_prices(pack_price: Decimal, carton_price=None, guide_price=None, wholesale_price=None):
    """The CLI's defaults for prices not given: carton = 10 × pack, guide = pack, wholesale = 90% of carton."""
    carton = carton_price if carton_price is not None else pack_price * 10
    return {"pack_price": pack_price, "carton_price": carton,
            "guide_price": guide_price if guide_price is not None else pack_price,
            "wholesale_price": wholesale_price if wholesale_price is not None
            else (carton * Decimal("0.9")).quantize(Decimal("0.01"))}


def add_product(**fields) -> Product:
    with transaction():
        product = Product(status="active", **fields)
        db.session.add(product)
        try:
            db.session.flush()
        except IntegrityError:
            raise SkuTaken() from None
    return product


def get_product(product_id) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound()
    return product


def by_sku(sku) -> Product:
    product = db.session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound(_l("No product with this SKU."), code="PRODUCT_NOT_FOUND")
    return product


def update_product(product_id, changes) -> Product:
    with transaction():
        product = get_product(product_id)
        for name, value in changes.items():
            setattr(product, name, value)
    return product


def set_status(product_id, status) -> Product:
    """Retire (no longer listed in the app; packs already sold still scan) or reactivate."""
    with transaction():
        product = get_product(product_id)
        product.status = status
    return product


def list_products(page, per_page, status="active"):
    statement = select(Product).order_by(Product.brand, Product.sku)
    if status:
        statement = statement.where(Product.status == status)
    return paginate(statement, page, per_page)
