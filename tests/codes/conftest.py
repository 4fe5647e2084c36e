"""Fixtures for scanning: a product, a generated batch, and its codes straight from the codec."""
from decimal import Decimal

import pytest

from app.codes import batches
from app.codes.codec import check_char
from app.products import service as products


def make_product(sku="6901028001540", name="中华(硬)", points_per_pack=1, **kw):
    prices = products.default_prices(Decimal(kw.pop("pack_price", "45.00")))
    return products.add_product(sku=sku, name=name, brand=name.split("(")[0], points_per_pack=points_per_pack,
                                price_class=1, **{**prices, **kw})


def forged(code):
    """A real code with its tag changed and a fitting check character: well formed, so only the HMAC can tell."""
    compact = code.replace("-", "")
    payload = compact[:22] + ("2" if compact[22] != "2" else "3")
    return payload + check_char(payload)


@pytest.fixture
def product(app):
    return make_product()


@pytest.fixture
def batch(product):
    return batches.create_generated(sku=product.sku, count=1000)


@pytest.fixture
def codes(batch):
    """codes(n, start=0) → n printed codes of the batch."""
    return lambda n=1, start=0: list(batches.generated_codes(batch, start=start, count=n))


@pytest.fixture
def code(codes):
    return codes(1)[0]
